"""Configuration: one TOML file, single values overridable from the environment, strict checks.

The file is the one YUEBAO_CONFIG names, else ./config.toml in the working directory. Without
either, start-up stops with one line, except in the local demo's own commands (`flask … up`,
`standin`, `phone`: app.DEVELOPMENT_COMMANDS), which then read config.demo.toml. An environment
variable YUEBAO_<SECTION>_<KEY> overrides one value, e.g. YUEBAO_DATABASE_URL or YUEBAO_WECOM_SECRET;
any other YUEBAO_ variable is an error unless OTHER_VARIABLES lists it. Anything missing, unknown or
of the wrong type raises ConfigError with one line naming the key (settings.checks).

The demo's keys are public, they are in this repository: a configuration that holds one of them is
refused, unless it was read from the project's own config.demo.toml (a copy does not count) and
talks to this machine alone. The demo is thus a development start only where it is named (the
tests, bench/, `up` for the processes it starts) or where a demo command chose it.
"""
from __future__ import annotations

import functools
import ipaddress
import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from settings.checks import SCHEMA, SECRET_KEYS, from_dict, from_text
from settings.schema import (
    DEMO_CONFIG,
    ROOT,
    AdminGroupSection,
    AdminsSection,
    AppSection,
    Config,
    ConfigError,
    DatabaseSection,
    DirectorySection,
    OutboxSection,
    PagesSection,
    RectificationsSection,
    RedisSection,
    RobotSection,
    ScheduleSection,
    SmsSection,
    StandinSection,
    StepTime,
    WebSection,
    WeComSection,
)

__all__ = [
    "DEMO_CONFIG", "ENV_PREFIX", "OTHER_VARIABLES", "PRIVATE_REDIS", "ROOT", "AdminGroupSection", "AdminsSection",
    "AppSection", "Config", "ConfigError", "DatabaseSection", "DirectorySection", "OutboxSection", "PagesSection",
    "RectificationsSection", "RedisSection", "RobotSection", "ScheduleSection", "SmsSection", "StandinSection",
    "StepTime", "WebSection", "WeComSection",
    "config_path", "from_dict", "load", "private_redis_url", "refuse_demo_secrets",
]

ENV_PREFIX = "YUEBAO_"
# The project's YUEBAO_ variables that are not settings; any other that names no key is an error.
OTHER_VARIABLES = {
    "YUEBAO_CONFIG": "the configuration file",
    "YUEBAO_TEST_PG_URL": "tests: the PostgreSQL server their copies run on",
    "YUEBAO_TEST_NOW": "tests: the moment every clock that a test does not set is pinned to",
    "YUEBAO_FIGURES": "fault tests: the file bench/faults.py collects their figures in",
    "YUEBAO_SCREENSHOTS": "browser tests: the folder their screenshots go to",
}
PRIVATE_REDIS = Path("data/redis")          # where `./dev up` runs its own Redis, and leaves its URL
ON_THIS_MACHINE = ("wecom.api_base_url", "sms.endpoint", "pages.public_url", "pages.oauth_base_url", "web.host")
NO_FILE = ("no configuration file: set YUEBAO_CONFIG to your config.toml (see config.example.toml), "
           "or to config.demo.toml for the demo")


def config_path(env=None, development: bool = False) -> Path:
    """The file YUEBAO_CONFIG names, else ./config.toml; else, for a development command only, the demo's."""
    env = os.environ if env is None else env
    named = env.get("YUEBAO_CONFIG")
    if named:
        path = Path(named)
        if not path.exists():
            raise ConfigError(f"YUEBAO_CONFIG: no such file {named}")
        return path
    local = Path("config.toml")
    if local.exists():
        return local
    if development:
        return DEMO_CONFIG
    raise ConfigError(NO_FILE)


def load(path: Path | None = None, env=None, development: bool = False) -> Config:
    """Read the configuration file, apply environment overrides, check everything.

    `development`: the caller is one of the demo's own commands, which read the demo configuration
    when no file is named."""
    env = os.environ if env is None else env
    path = path or config_path(env, development)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    config = from_dict(_apply_env(data, env), source=str(path))
    refuse_demo_secrets(config)
    return config


def _apply_env(data: dict, env) -> dict:
    for name, raw in env.items():
        if name.startswith(ENV_PREFIX) and name not in OTHER_VARIABLES:
            section, key = _setting(name)
            data.setdefault(section, {})[key] = from_text(section, key, raw)
    return data


def _setting(name: str) -> tuple[str, str]:
    """YUEBAO_ADMIN_GROUP_CHAT_ID → ("admin_group", "chat_id")."""
    rest = name.removeprefix(ENV_PREFIX).lower()
    for section in sorted(SCHEMA, key=len, reverse=True):      # admin_group before admins
        key = rest.removeprefix(f"{section}_")
        if key != rest and key in SCHEMA[section]:
            return section, key
    raise ConfigError(f"{name}: no such setting (YUEBAO_<SECTION>_<KEY> overrides a key of config.example.toml)")


@functools.cache
def demo_secrets() -> dict[str, str]:
    """The secrets config.demo.toml publishes, by key ("pages.secret_key" …)."""
    data = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    return {f"{section}.{key}": value for section, values in data.items() for key, value in values.items()
            if key in SECRET_KEYS and value}


def refuse_demo_secrets(config: Config) -> None:
    """Stop a configuration that holds a secret of the demo's, unless it is the demo on this machine."""
    used = next((key for key, value in demo_secrets().items() if _value(config, key) == value), None)
    if used is None:
        return
    if not config.is_demo:
        raise ConfigError(f"{used}: the demo's public value (config.demo.toml); set a secret of your own")
    outward = next((key for key in ON_THIS_MACHINE if not _on_this_machine(_value(config, key))), None)
    if outward is not None:
        raise ConfigError(f"{used}: the demo's public value, allowed only while the demo stays on this machine, "
                          f"and {outward} leaves it")


def _value(config: Config, key: str):
    section, name = key.split(".")
    return getattr(getattr(config, section), name)


def _on_this_machine(address: str) -> bool:
    """An empty address, or one on the loopback interface (a host, or a URL's host)."""
    host = urlsplit(address).hostname if "://" in address else address
    if not address or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def private_redis_url() -> str:
    """The URL of the Redis `./dev up` started in this folder, or "" when there is none."""
    path = PRIVATE_REDIS / "url"
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""
