"""GET /healthz: can we reach the database and Redis?"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from models import database

bp = Blueprint("health", __name__)


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


@bp.get("/healthz")
def healthz():
    services = current_app.extensions["yuebao"]
    status = {
        "database": _check(lambda: database.execute_sql("SELECT 1").fetchone()),
        "redis": _check(services.redis.ping),
    }
    healthy = all(value == "ok" for value in status.values())
    return jsonify(status=("ok" if healthy else "degraded"), **status), (200 if healthy else 503)
