"""The configuration's schema, declared once: a frozen dataclass per TOML section, a field per key,
its annotation the type a value must have (settings.checks checks every value against it) and its
default the value when the file and the environment say nothing."""
from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "config.demo.toml"
HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")     # a time of day as settings write it


class ConfigError(Exception):
    """A setting is missing, unknown or malformed; the message names the key, on one line."""


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
    contacts_secret: str = ""       # 通讯录同步's Secret: user/list_id answers only to it (directory sync)
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
class RectificationsSection:
    """When a rectification's letters go (jobs/letters.py), counted in workdays from its deadline."""

    remind_workdays_before: int = 3     # 提醒函 to the org; 0: none (the 催告函 goes that day)
    supervise_workdays_after: int = 3   # 督办函 to the admins and the area liaison
    letters_at: str = "09:00"           # the time of day from which a letter due that day goes

    @property
    def time_of_day(self) -> datetime.time:
        return datetime.time.fromisoformat(self.letters_at)


@dataclass(frozen=True)
class ScoresSection:
    publish_ranking: bool = False   # secretaries may read every org's 排名 (off: their own 得分 only)


@dataclass(frozen=True)
class AdminGroupSection:
    webhook_key: str = ""       # the admin group's robot webhook (webhook/send?key=…): notices go there too
    chat_id: str = ""           # the group's chatid: of the group chats, admin commands act only there


@dataclass(frozen=True)
class DirectorySection:
    org_types: list[str] = field(default_factory=lambda: ["学院", "直属系", "附属医院", "机关部门", "直属单位"])
    size_classes: list[str] = field(default_factory=lambda: ["党委", "党总支", "党支部"])
    secretary_tag: str = ""     # WeCom tags whose members in an org's department take that role there;
    deputy_tag: str = ""        # "" = that role is not synced (kept as imported)
    liaison_tag: str = ""
    sync_delay_seconds: int = 30    # change_contact events within this window are one sync


@dataclass(frozen=True)
class OutboxSection:
    per_member_per_minute: int = 30
    max_attempts: int = 6
    backoff_seconds: int = 5
    sends_in_flight: int = 8    # recipients a delivery job sends to at once (WeCom's latency, not CPU, limits)


@dataclass(frozen=True)
class SmsSection:
    """SMS through a provider's SDK (bot/sms_providers.py); provider "" sends none."""

    provider: str = ""          # "" | "tencentcloud" | "aliyun"
    secret_id: str = ""
    secret_key: str = ""        # set it by YUEBAO_SMS_SECRET_KEY rather than in the file
    sdk_app_id: str = ""
    sign_name: str = ""
    templates: dict[str, str] = field(default_factory=dict)    # purpose (models.messaging.SmsPurpose) → template id
    endpoint: str = ""          # host[:port]; http://host:port for the stand-in; "" = the provider's own
    region: str = "ap-guangzhou"
    timeout_seconds: int = 5
    daily_cap: int = 2          # SMS a number gets a day (since local midnight); more are skipped
    quiet_from: str = "22:00"   # no SMS leaves from this time of day …
    quiet_until: str = "08:00"  # … until this one: they wait

    def quiet_hours(self) -> tuple[datetime.time, datetime.time]:
        return datetime.time.fromisoformat(self.quiet_from), datetime.time.fromisoformat(self.quiet_until)


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
    rectifications: RectificationsSection = field(default_factory=RectificationsSection)
    scores: ScoresSection = field(default_factory=ScoresSection)
    admin_group: AdminGroupSection = field(default_factory=AdminGroupSection)
    outbox: OutboxSection = field(default_factory=OutboxSection)
    sms: SmsSection = field(default_factory=SmsSection)
    standin: StandinSection = field(default_factory=StandinSection)
    web: WebSection = field(default_factory=WebSection)
    pages: PagesSection = field(default_factory=PagesSection)
    source: str = ""

    def replace(self, **sections: dict) -> "Config":
        """A copy with some values changed, checked again: replace(redis={"url": "redis://..."})."""
        from settings.checks import from_dict  # which checks this module: imported when it runs

        data = {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}
        for name, values in sections.items():
            data[name].update(values)
        return from_dict(data, source=self.source)

    @property
    def is_demo(self) -> bool:
        """Read from the project's own config.demo.toml (not a copy of it)."""
        return bool(self.source) and Path(self.source).resolve() == DEMO_CONFIG


SECTIONS = {f.name: f.default_factory for f in dataclasses.fields(Config) if f.name != "source"}
