"""The rules of `[sms]` that span its keys: a provider set has what it needs to send, or start-up stops
with one line naming the key (never showing a secret)."""
from __future__ import annotations

from models.messaging import SmsPurpose
from settings.schema import HH_MM, Config, ConfigError, SmsSection

PROVIDERS = ("tencentcloud", "aliyun")
# What each provider needs to send: Aliyun has no SDK application id (its AccessKey is the account's).
NEEDED = {"tencentcloud": ("secret_id", "secret_key", "sdk_app_id", "sign_name"),
          "aliyun": ("secret_id", "secret_key", "sign_name")}


def check_sms(config: Config) -> None:
    _check_values(config.sms)
    _check_provider(config.sms)


def _check_values(sms: SmsSection) -> None:
    for key in ("quiet_from", "quiet_until"):
        if not HH_MM.fullmatch(getattr(sms, key)):
            raise ConfigError(f"sms.{key}: expected a time like \"22:00\", got {getattr(sms, key)!r}")
    if sms.daily_cap < 1:
        raise ConfigError("sms.daily_cap: must be at least 1 SMS a number a day")
    if not 1 <= sms.timeout_seconds <= 60:
        raise ConfigError("sms.timeout_seconds: must be from 1 to 60")
    if "://" in sms.endpoint and not sms.endpoint.startswith(("http://", "https://")):
        raise ConfigError("sms.endpoint: host[:port], or http://host:port for the stand-in")
    unknown = next((name for name in sms.templates if name not in SmsPurpose.__members__.values()), None)
    if unknown is not None:
        raise ConfigError(f"sms.templates.{unknown}: no such purpose; they are {_purposes()}")


def _check_provider(sms: SmsSection) -> None:
    if not sms.provider:
        return
    if sms.provider not in PROVIDERS:
        raise ConfigError(f"sms.provider: unknown provider {sms.provider!r}; "
                          f"one of {', '.join(PROVIDERS)}, or \"\" for no SMS")
    needed = NEEDED[sms.provider]
    missing = next((key for key in needed if not getattr(sms, key)), None)
    if missing is not None:
        raise ConfigError(f"sms.{missing}: missing; {sms.provider} needs {', '.join(needed)} "
                          "(the secret best from YUEBAO_SMS_SECRET_KEY)")
    without = next((purpose for purpose in SmsPurpose if not sms.templates.get(purpose)), None)
    if without is not None:
        raise ConfigError(f"sms.templates.{without}: missing; one approved template id for each of {_purposes()}")


def _purposes() -> str:
    return ", ".join(SmsPurpose)
