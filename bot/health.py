"""GET /healthz: can we reach the database and Redis?"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from models import ALL_MODELS, database

bp = Blueprint("health", __name__)


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except NoSchema as exc:
        return f"error: {exc}"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


class NoSchema(Exception):
    def __str__(self) -> str:
        return "no schema (run init-db)"


def _schema() -> None:
    """The database answers and has every table (a fresh, never-migrated database does not)."""
    if not {model._meta.table_name for model in ALL_MODELS} <= set(database.get_tables()):
        raise NoSchema


@bp.get("/healthz")
def healthz():
    services = current_app.extensions["yuebao"]
    status = {
        "database": _check(_schema),
        "redis": _check(lambda: services.redis.ping()),      # no Redis configured is an error too
    }
    healthy = all(value == "ok" for value in status.values())
    return jsonify(status=("ok" if healthy else "degraded"), **status), (200 if healthy else 503)
