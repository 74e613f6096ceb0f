"""Every value checked against the type its key declares (settings.schema), then the rules that span
keys. The table of types is complete: a key whose declared type has no checks here stops the import
of this module, so no value ever goes through unchecked. Errors are one line naming the key and
never show a secret."""
from __future__ import annotations

import dataclasses
import datetime
import typing
from dataclasses import dataclass
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.separators import split_list
from settings.schema import HH_MM, SECTIONS, Config, ConfigError, PagesSection, StepTime
from settings.sms import check_sms

SECRET_KEYS = ("secret", "contacts_secret", "token", "encoding_aes_key", "webhook_key", "secret_key")
MIN_SECRET_KEY = 32            # characters of [pages] secret_key


def shown(key: str, value) -> str:
    """A wrong value as an error may show it: never a secret, never the credentials in a URL."""
    name = key.rsplit(".", 1)[-1]
    if name in SECRET_KEYS:
        return f"a value of type {type(value).__name__} (not shown)"
    if name == "url" and isinstance(value, str):
        return repr(value.split("://", 1)[0] + "://…") if "://" in value else "a value without a scheme (not shown)"
    return repr(value)


def _string(key: str, value) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {shown(key, value)}")
    return value


def _integer(key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected an integer, got {shown(key, value)}")
    return value


def _boolean(key: str, value) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false, got {shown(key, value)}")
    return value


def _strings(key: str, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings, got {shown(key, value)}")
    return value


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


def _by_type(key: str, value) -> dict[str, dict[str, StepTime]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of org types, got {value!r}")
    checked = {}
    for org_type, steps in value.items():
        if not isinstance(steps, dict) or not set(steps) <= {"remind"}:
            raise ConfigError(f"{key}.{org_type}: only remind = {{ day, time }} can differ by type")
        checked[org_type] = {step: _step_time(f"{key}.{org_type}.{step}", when) for step, when in steps.items()}
    return checked


def _texts(key: str, value) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{key}: expected a table of strings, got {shown(key, value)}")
    return value


def _integer_text(key: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key}: expected an integer, got {shown(key, raw)}") from None


def _boolean_text(key: str, raw: str) -> bool:
    if raw.lower() not in ("true", "false", "1", "0"):
        raise ConfigError(f"{key}: expected true or false, got {shown(key, raw)}")
    return raw.lower() in ("true", "1")


def _table_only(key: str, raw: str):
    raise ConfigError(f"{key}: a table; set it in the configuration file")


@dataclass(frozen=True)
class Kind:
    """How a value of one declared type is checked: as the TOML file gives it, and from the text of
    an environment variable."""

    check: Callable[[str, Any], Any]
    parse: Callable[[str, str], Any]


KINDS: dict[Any, Kind] = {
    str: Kind(_string, lambda key, raw: raw),
    int: Kind(_integer, _integer_text),
    bool: Kind(_boolean, _boolean_text),
    list[str]: Kind(_strings, lambda key, raw: split_list(raw)),
    StepTime: Kind(_step_time, _table_only),
    dict[str, dict[str, StepTime]]: Kind(_by_type, _table_only),
    dict[str, str]: Kind(_texts, _table_only),
}


def kinds_of(section: type) -> dict[str, Kind]:
    """Each key of a section with the checks of its declared type (typing.get_type_hints reads the
    annotations as types, not strings)."""
    hints = typing.get_type_hints(section)
    kinds = {}
    for key in (f.name for f in dataclasses.fields(section)):
        if hints[key] not in KINDS:
            raise TypeError(f"{section.__name__}.{key}: settings.checks has no check for {hints[key]}")
        kinds[key] = KINDS[hints[key]]
    return kinds


SCHEMA = {name: kinds_of(section) for name, section in SECTIONS.items()}


def from_text(section: str, key: str, raw: str):
    """The value of an environment variable for `section.key` (from_dict then checks it as the file's)."""
    return SCHEMA[section][key].parse(f"{section}.{key}", raw)


def from_dict(data: dict, source: str = "") -> Config:
    """Build and check a Config from nested dicts (the TOML file's shape)."""
    built = {}
    for name, values in data.items():
        if name not in SCHEMA:
            raise ConfigError(f"[{name}]: unknown section")
        if not isinstance(values, dict):
            raise ConfigError(f"[{name}]: expected a table")
        kinds = SCHEMA[name]
        unknown = next((key for key in values if key not in kinds), None)
        if unknown is not None:
            raise ConfigError(f"{name}.{unknown}: unknown key")
        built[name] = SECTIONS[name](**{key: kinds[key].check(f"{name}.{key}", value) for key, value in values.items()})
    config = Config(**built, source=source)
    for rules in (_check_app, _check_wecom, _check_schedule, _check_rectifications, _check_outbox, check_sms):
        rules(config)
    _check_pages(config.pages)
    return _with_old_keys(config)


def _check_app(config: Config) -> None:
    try:
        ZoneInfo(config.app.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"app.timezone: not a time zone name like Asia/Shanghai, got {config.app.timezone!r}") from None
    url = config.database.url
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigError(f"database.url: must start with sqlite:// or postgresql://, got {shown('url', url)}")


def _check_wecom(config: Config) -> None:
    for section in ("wecom", "robot"):
        aes = getattr(config, section).encoding_aes_key
        if aes and len(aes) != 43:
            raise ConfigError(f"{section}.encoding_aes_key: must be 43 characters, got {len(aes)}")
    if not config.wecom.api_base_url.endswith("/"):
        raise ConfigError("wecom.api_base_url: must end with '/'")


def _check_schedule(config: Config) -> None:
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
    if config.schedule.supervise_after_workdays <= config.schedule.urge_after_workdays:
        raise ConfigError("schedule.supervise_after_workdays: must be more than urge_after_workdays "
                          "(督办 comes after 催告)")


def _check_rectifications(config: Config) -> None:
    for key in ("remind_workdays_before", "supervise_workdays_after"):
        if getattr(config.rectifications, key) < 0:
            raise ConfigError(f"rectifications.{key}: must be 0 or more workdays")
    if not HH_MM.fullmatch(config.rectifications.letters_at):
        raise ConfigError(f"rectifications.letters_at: expected a time like \"09:00\", "
                          f"got {config.rectifications.letters_at!r}")


def _check_outbox(config: Config) -> None:
    if not 1 <= config.outbox.sends_in_flight <= 32:
        raise ConfigError("outbox.sends_in_flight: must be from 1 to 32")
    if config.outbox.per_member_per_minute < 1:
        raise ConfigError("outbox.per_member_per_minute: must be at least 1")


def _check_pages(pages: PagesSection) -> None:
    for key in ("public_url", "oauth_base_url"):
        url = getattr(pages, key)
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"pages.{key}: must start with http:// or https://, got {shown('url', url)}")
    if pages.secret_key and len(pages.secret_key) < MIN_SECRET_KEY:
        raise ConfigError(f"pages.secret_key: must be at least {MIN_SECRET_KEY} random characters (not shown)")


def _with_old_keys(config: Config) -> Config:
    """schedule.publish_day / remind_day, as configurations before the full schedule wrote it."""
    schedule = config.schedule
    changes = {name: StepTime(day, getattr(schedule, name).time)
               for name, day in (("publish", schedule.publish_day), ("remind", schedule.remind_day)) if day}
    if not changes:
        return config
    return dataclasses.replace(config, schedule=dataclasses.replace(schedule, **changes, publish_day=0, remind_day=0))
