"""The pages under /h5/, part of the web edge like bot/: server-rendered, for a phone's screen first,
opened from the WeCom client (the app's home page, links in cards). pages/auth.py says who is
looking and what they may see; each page is a view decorated with @page(who=...).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from pages import comments, desk, feedback, home, rectifications, report, shares, tasks, year  # noqa: F401,E501  (register their pages on the blueprint)
from pages.auth import READY, bp

log = logging.getLogger(__name__)
SESSION_LIFETIME = timedelta(hours=12)      # then WeCom is asked again who it is (silently, in its client)


def init_app(app: Flask) -> None:
    """Register the pages; without a secret key and a public URL they answer 503, said once in the log."""
    pages = app.config["YUEBAO"].pages
    missing = [key for key in ("secret_key", "public_url") if not getattr(pages, key)]
    if missing:
        log.error("pages: [pages] %s not set, so /h5/ answers 503 (the chat is not concerned)", " and ".join(missing))
    app.config.update({
        READY: not missing,
        "SECRET_KEY": pages.secret_key or None,
        "SESSION_COOKIE_NAME": "yuebao_h5",
        "SESSION_COOKIE_PATH": bp.url_prefix,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": pages.public_url.startswith("https://"),
        "PERMANENT_SESSION_LIFETIME": SESSION_LIFETIME,
    })
    app.register_blueprint(bp)
