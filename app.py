"""The app factory: configuration, database, blueprints and the CLI. Nothing happens at import."""
from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from flask import Flask, Response, request
from peewee import DatabaseError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import pages
import settings
from bot import health, robot, webhook
from bot.services import Services
from cli import admin, cycle, directory, lists, ops
from models import bind, database
from models.clock import Clock

MAX_BODY_BYTES = 256 * 1024
log = logging.getLogger(__name__)
SECRET_IN_URL = re.compile(r"\b(access_token|corpsecret|key|code)=[^&\s\"']+")   # code: an OAuth code


class HideSecrets(logging.Filter):
    """WeCom's API takes the corp secret and tokens in the query string, and access logs (the
    stand-in's, urllib3's at DEBUG) print query strings: no log line shows their values."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = SECRET_IN_URL.sub(r"\1=***", message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


# The web servers' access logs (gunicorn's under `./dev up` and in production, werkzeug's under
# `flask run`) print each request line with its query string: /h5/oauth?code=… among them.
ACCESS_LOGGERS = ("gunicorn.access", "werkzeug")
DEVELOPMENT_COMMANDS = ("up", "standin", "phone")     # the local demo's: with no file named, the demo's
FLASK_OPTIONS_WITH_VALUE = ("--app", "-A", "--env-file", "-e")


def flask_command(argv: list[str]) -> str:
    """The command of `flask [options] COMMAND …` (or `python -m flask …`); "" in any other program.
    The Flask CLI builds the app before it looks the command up, so the command line is where the
    app can tell a demo command from the others."""
    program = Path(argv[0]) if argv else Path()
    if program.name != "flask" and program.parts[-2:] != ("flask", "__main__.py"):
        return ""
    words = iter(argv[1:])
    for word in words:
        if word in FLASK_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def load_config(config: settings.Config | None) -> settings.Config:
    if config is not None:
        return config
    try:
        return settings.load(development=flask_command(sys.argv) in DEVELOPMENT_COMMANDS)
    except settings.ConfigError as exc:
        raise SystemExit(f"yuebao: configuration error: {exc}") from None


def create_app(config: settings.Config | None = None, clock: Clock | None = None) -> Flask:
    """The web app; `clock` is the one the services read "now" from (default: real time)."""
    config = load_config(config)
    log_without_secrets(config.app.log_level)
    app = Flask(__name__)
    if config.web.proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.web.proxies, x_proto=config.web.proxies)
    app.config.update(YUEBAO=config, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    bind(config.database.url)
    app.extensions["yuebao"] = Services(config, clock)
    app.before_request(open_database)
    app.teardown_request(close_database)
    app.register_error_handler(DatabaseError, database_unavailable)
    app.register_error_handler(HTTPException, plain_http_error)
    for blueprint in (webhook.bp, robot.bp, health.bp):
        app.register_blueprint(blueprint)
    pages.init_app(app)
    for command in (*ops.COMMANDS, *cycle.COMMANDS, *admin.COMMANDS, *directory.COMMANDS, lists.import_command,
                    lists.export_command, lists.demo_data_command):
        app.cli.add_command(command)
    return app


def log_without_secrets(level: str) -> None:
    """Log at `level` to stderr, every handler filtering secrets out (HideSecrets), and the web
    servers' access loggers too (gunicorn's has handlers of its own, which the root's filter misses)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for filtered in (*logging.getLogger().handlers, *map(logging.getLogger, ACCESS_LOGGERS)):
        if not any(isinstance(f, HideSecrets) for f in filtered.filters):
            filtered.addFilter(HideSecrets())


def open_database() -> None:
    database.connect(reuse_if_open=True)


def close_database(exc: BaseException | None) -> None:
    if not database.is_closed():
        database.close()


def database_unavailable(exc: DatabaseError) -> Response:
    """The database cannot be reached (or failed): nothing was acknowledged, so WeCom retries."""
    log.error("database unavailable for %s %s: %s", request.method, request.path, type(exc).__name__)
    return Response("503: database unavailable\n", status=503, mimetype="text/plain")


def plain_http_error(exc: HTTPException) -> Response:
    return Response(f"{exc.code}: {exc.name}\n", status=exc.code, mimetype="text/plain")
