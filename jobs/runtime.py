"""The services a job uses: those the worker was started with, else built from the configuration."""
from __future__ import annotations

import settings
from bot.services import Services
from models import bind

_services: Services | None = None


def use(services: Services) -> None:
    global _services
    _services = services


def services() -> Services:
    if _services is None:
        config = settings.load()
        bind(config.database.url)
        use(Services(config))
    return _services
