"""Configuration: one TOML file, single values overridable from the environment, strict checks.

The file is named by YUEBAO_CONFIG (default ./config.toml); when neither exists the demo
configuration (config.demo.toml, pointing at the local WeCom stand-in) is used. An environment
variable YUEBAO_<SECTION>_<KEY> overrides one value, e.g. YUEBAO_DATABASE_URL or
YUEBAO_WECOM_SECRET. Anything missing, unknown or of the wrong type raises ConfigError with one
line naming the key.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.separators import split_list

ROOT = Path(__file__).resolve().parent
DEMO_CONFIG = ROOT / "config.demo.toml"
ENV_PREFIX = "YUEBAO_"
PRIVATE_REDIS = Path("data/redis")          # where `./dev up` runs its own Redis, and leaves its URL


class ConfigError(Exception):
    """A setting is missing, unknown or malformed; the message names the key."""


@dataclass(frozen=True)
class AppSection:
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    files_dir: str = "data/files"      # charts and Excel files made for admins, before they are sent


@dataclass(frozen=True)
class WeComSection:
    corp_id: str = ""
    agent_id: int = 1000002
    secret: str = ""
    token: str = ""
    encoding_aes_key: str = ""
    api_base_url: str = "https://qyapi.weixin.qq.com/cgi-bin/"
    timeout_seconds: int = 5


@dataclass(frozen=True)
class RobotSection:
    token: str = ""
    encoding_aes_key: str = ""


@dataclass(frozen=True)
class DatabaseSection:
    url: str = "sqlite:///data/yuebao.db"


@dataclass(frozen=True)
class RedisSection:
    url: str = ""
    timeout_seconds: int = 1


@dataclass(frozen=True)
class AdminsSection:
    userids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StepTime:
    """When a step of the month is due: a day of the month (1-28, or "last") and a time of day,
    in the organisation's time zone."""

    day: int | str
    time: str = "09:00"

    @property
    def time_of_day(self) -> datetime.time:
        return datetime.time.fromisoformat(self.time)


@dataclass(frozen=True)
class ScheduleSection:
    publish: StepTime = StepTime(5)
    remind: StepTime = StepTime(25)
    urge_after_workdays: int = 2
    supervise_after_workdays: int = 4
    close: StepTime = StepTime("last", "23:59")
    shift_to_workday: bool = True
    extra_holidays: list[str] = field(default_factory=list)     # "2027-01-04": no step lands there
    extra_workdays: list[str] = field(default_factory=list)     # make-up workdays the calendars miss
    by_type: dict[str, dict[str, StepTime]] = field(default_factory=dict)   # org type → {"remind": …}
    publish_day: int = 0        # older spelling of publish = { day = N }
    remind_day: int = 0         # older spelling of remind = { day = N }


@dataclass(frozen=True)
class AdminGroupSection:
    webhook_key: str = ""       # the admin group's robot webhook (webhook/send?key=…): notices go there too
    chat_id: str = ""           # the group's chatid: of the group chats, admin commands act only there


@dataclass(frozen=True)
class DirectorySection:
    org_types: list[str] = field(default_factory=lambda: ["学院", "直属系", "附属医院", "机关部门", "直属单位"])
    size_classes: list[str] = field(default_factory=lambda: ["党委", "党总支", "党支部"])


@dataclass(frozen=True)
class OutboxSection:
    per_member_per_minute: int = 30
    max_attempts: int = 6
    backoff_seconds: int = 5
    sends_in_flight: int = 8    # recipients a delivery job sends to at once (WeCom's latency, not CPU, limits)


@dataclass(frozen=True)
class StandinSection:
    host: str = "127.0.0.1"
    port: int = 8090
    app_url: str = "http://127.0.0.1:5000"
    callback_timeout_seconds: int = 5
    callback_retries: int = 3
    callback_retry_delay_seconds: int = 0
    token_ttl_seconds: int = 7200
    rate_per_minute: int = 30


@dataclass(frozen=True)
class WebSection:
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 4        # processes: the work is CPU-bound Python, so more processes and few threads
    threads: int = 2        # (4 × 2 served bench/checkin.py 1.4× faster than 2 × 8 on two cores)
    proxies: int = 0        # reverse proxies in front that set X-Forwarded-For / -Proto (trusted hops)


@dataclass(frozen=True)
class PagesSection:
    public_url: str = ""        # the app as phones reach it, e.g. https://yuebao.example.edu.cn (WeCom returns there)
    secret_key: str = ""        # signs the session cookie; without it /h5/ refuses to open
    oauth_base_url: str = "https://open.weixin.qq.com/connect/oauth2/authorize"

    @property
    def base(self) -> str:
        """Where the pages are (public_url/h5/), or "" while they cannot open: messages then link to none."""
        return f"{self.public_url.rstrip('/')}/h5/" if self.public_url and self.secret_key else ""


@dataclass(frozen=True)
class Config:
    app: AppSection = field(default_factory=AppSection)
    wecom: WeComSection = field(default_factory=WeComSection)
    robot: RobotSection = field(default_factory=RobotSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    redis: RedisSection = field(default_factory=RedisSection)
    admins: AdminsSection = field(default_factory=AdminsSection)
    directory: DirectorySection = field(default_factory=DirectorySection)
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    admin_group: AdminGroupSection = field(default_factory=AdminGroupSection)
    outbox: OutboxSection = field(default_factory=OutboxSection)
    standin: StandinSection = field(default_factory=StandinSection)
    web: WebSection = field(default_factory=WebSection)
    pages: PagesSection = field(default_factory=PagesSection)
    source: str = ""

    def replace(self, **sections: dict) -> "Config":
        """A copy with some values changed: replace(redis={"url": "redis://..."})."""
        data = {s.name: dataclasses.asdict(getattr(self, s.name)) for s in _sections()}
        for name, values in sections.items():
            data[name].update(values)
        return from_dict(data, source=self.source)


def _sections() -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(Config) if f.name != "source"]


def _step_time(key: str, value) -> StepTime:
    """{ day = 25, time = "09:00" } → StepTime, checked."""
    if isinstance(value, StepTime):
        return value
    if not isinstance(value, dict) or not set(value) <= {"day", "time"} or "day" not in value:
        raise ConfigError(f"{key}: expected {{ day = 1-28 or \"last\", time = \"HH:MM\" }}, got {value!r}")
    day, time = value["day"], value.get("time", "09:00")
    if day != "last" and (isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28):
        raise ConfigError(f"{key}.day: must be a day from 1 to 28, or \"last\", got {day!r}")
    try:
        datetime.time.fromisoformat(time)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}.time: expected a time like \"09:00\", got {time!r}") from None
    return StepTime(day, time)


def _by_type(key: str, value) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of org types, got {value!r}")
    checked = {}
    for org_type, steps in value.items():
        if not isinstance(steps, dict) or not set(steps) <= {"remind"}:
            raise ConfigError(f"{key}.{org_type}: only remind = {{ day, time }} can differ by type")
        checked[org_type] = {step: _step_time(f"{key}.{org_type}.{step}", when) for step, when in steps.items()}
    return checked


SECRET_KEYS = ("secret", "token", "encoding_aes_key", "webhook_key", "secret_key")
MIN_SECRET_KEY = 32            # characters of [pages] secret_key


def _shown(key: str, value) -> str:
    """A wrong value as an error may show it: never a secret, never the credentials in a URL."""
    name = key.rsplit(".", 1)[-1]
    if name in SECRET_KEYS:
        return f"a value of type {type(value).__name__} (not shown)"
    if name == "url" and isinstance(value, str):
        return repr(value.split("://", 1)[0] + "://…") if "://" in value else "a value without a scheme (not shown)"
    return repr(value)


def _check_value(key: str, value, expected):
    if expected == "StepTime":
        return _step_time(key, value)
    if expected.startswith("dict["):
        return _by_type(key, value)
    if expected == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {_shown(key, value)}")
    elif expected == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected an integer, got {_shown(key, value)}")
    elif expected == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {_shown(key, value)}")
    elif expected == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key}: expected a list of strings, got {_shown(key, value)}")
    return value


def _check_rules(config: Config) -> None:
    try:
        ZoneInfo(config.app.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"app.timezone: not a time zone name like Asia/Shanghai, got {config.app.timezone!r}") from None
    for section in ("wecom", "robot"):
        aes = getattr(config, section).encoding_aes_key
        if aes and len(aes) != 43:
            raise ConfigError(f"{section}.encoding_aes_key: must be 43 characters, got {len(aes)}")
    if not config.wecom.api_base_url.endswith("/"):
        raise ConfigError("wecom.api_base_url: must end with '/'")
    url = config.database.url
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigError(f"database.url: must start with sqlite:// or postgresql://, got {_shown('url', url)}")
    for key in ("publish_day", "remind_day"):
        if not 0 <= getattr(config.schedule, key) <= 28:
            raise ConfigError(f"schedule.{key}: must be a day from 1 to 28")
    for key in ("extra_holidays", "extra_workdays"):
        for day in getattr(config.schedule, key):
            try:
                datetime.date.fromisoformat(day)
            except ValueError:
                raise ConfigError(f"schedule.{key}: expected dates like \"2027-01-04\", got {day!r}") from None
    for key in ("urge_after_workdays", "supervise_after_workdays"):
        if not 1 <= getattr(config.schedule, key) <= 10:
            raise ConfigError(f"schedule.{key}: must be from 1 to 10 workdays")
    if not 1 <= config.outbox.sends_in_flight <= 32:
        raise ConfigError("outbox.sends_in_flight: must be from 1 to 32")
    if config.outbox.per_member_per_minute < 1:
        raise ConfigError("outbox.per_member_per_minute: must be at least 1")
    _check_pages(config.pages)


def _check_pages(pages: PagesSection) -> None:
    for key in ("public_url", "oauth_base_url"):
        url = getattr(pages, key)
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"pages.{key}: must start with http:// or https://, got {_shown('url', url)}")
    if pages.secret_key and len(pages.secret_key) < MIN_SECRET_KEY:
        raise ConfigError(f"pages.secret_key: must be at least {MIN_SECRET_KEY} random characters (not shown)")


def from_dict(data: dict, source: str = "") -> Config:
    """Build and check a Config from nested dicts (the TOML file's shape)."""
    sections = {f.name: f for f in _sections()}
    built = {}
    for name, values in data.items():
        if name not in sections:
            raise ConfigError(f"[{name}]: unknown section")
        if not isinstance(values, dict):
            raise ConfigError(f"[{name}]: expected a table")
        cls = sections[name].default_factory
        known = {f.name: f.type for f in dataclasses.fields(cls)}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{name}.{key}: unknown key")
        built[name] = cls(**{key: _check_value(f"{name}.{key}", value, known[key]) for key, value in values.items()})
    config = Config(**built, source=source)
    _check_rules(config)
    return _with_old_keys(config)


def _with_old_keys(config: Config) -> Config:
    """schedule.publish_day / remind_day, as configurations before the full schedule wrote it."""
    schedule = config.schedule
    changes = {name: StepTime(day, getattr(schedule, name).time)
               for name, day in (("publish", schedule.publish_day), ("remind", schedule.remind_day)) if day}
    if not changes:
        return config
    return dataclasses.replace(config, schedule=dataclasses.replace(schedule, **changes, publish_day=0, remind_day=0))


def _parse_env_value(key: str, raw: str, expected: str):
    if expected == "StepTime" or expected.startswith("dict["):
        raise ConfigError(f"{key}: a table; set it in the configuration file")
    if expected == "bool":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ConfigError(f"{key}: expected true or false, got {_shown(key, raw)}")
        return raw.lower() in ("true", "1")
    if expected == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{key}: expected an integer, got {_shown(key, raw)}") from None
    if expected == "list[str]":
        return split_list(raw)
    return raw


def _apply_env(data: dict, env) -> dict:
    sections = {f.name: f.default_factory for f in _sections()}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == "YUEBAO_CONFIG":
            continue
        rest = name[len(ENV_PREFIX):].lower()
        section = next((s for s in sorted(sections, key=len, reverse=True) if rest.startswith(s + "_")), None)
        if section is None:
            continue
        key = rest[len(section) + 1:]
        known = {f.name: f.type for f in dataclasses.fields(sections[section])}
        if key not in known:
            continue
        value = _parse_env_value(f"{section}.{key}", raw, known[key])
        data.setdefault(section, {})[key] = value
    return data


def config_path(env=None) -> Path:
    env = os.environ if env is None else env
    named = env.get("YUEBAO_CONFIG")
    if named:
        path = Path(named)
        if not path.exists():
            raise ConfigError(f"YUEBAO_CONFIG: no such file {named}")
        return path
    local = Path("config.toml")
    return local if local.exists() else DEMO_CONFIG


def load(path: Path | None = None, env=None) -> Config:
    """Read the configuration file, apply environment overrides, check everything."""
    env = os.environ if env is None else env
    path = path or config_path(env)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return from_dict(_apply_env(data, env), source=str(path))


def private_redis_url() -> str:
    """The URL of the Redis `./dev up` started in this folder, or "" when there is none."""
    path = PRIVATE_REDIS / "url"
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""
