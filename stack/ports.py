"""Moving `up` off its ports (5000 for the web app, 8090 for the WeCom stand-in): the URLs of the
configuration that point at either address move with it — the stand-in's API and sign-in page,
the pages' public address, where the stand-in posts its callbacks, its SMS API."""
from __future__ import annotations

from urllib.parse import urlsplit

from settings import Config, StandinSection, WebSection

URLS = ("wecom.api_base_url", "pages.public_url", "pages.oauth_base_url", "standin.app_url", "sms.endpoint")


def _address(section) -> str:
    return f"{section.host}:{section.port}"


def moved(config: Config, web_port: int | None = None, standin_port: int | None = None) -> tuple[Config, dict]:
    """The configuration with the web app on `web_port` and the stand-in on `standin_port` (None: as
    configured), every URL at their default addresses following them; and the environment variables
    that tell the processes `up` starts the same."""
    changes: dict[str, dict] = {}
    if web_port is not None:
        changes["web"] = {"port": web_port}
    if standin_port is not None:
        changes["standin"] = {"port": standin_port}
    placed = config.replace(**changes)
    homes = {_address(WebSection()): _address(placed.web), _address(StandinSection()): _address(placed.standin)}
    for key in URLS:
        section, name = key.split(".")
        url = getattr(getattr(placed, section), name)
        old = urlsplit(url).netloc
        if homes.get(old, old) != old:
            changes.setdefault(section, {})[name] = url.replace(f"//{old}", f"//{homes[old]}", 1)
    env = {f"YUEBAO_{section.upper()}_{name.upper()}": str(value)
           for section, values in changes.items() for name, value in values.items()}
    return config.replace(**changes), env
