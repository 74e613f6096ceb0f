"""What the benchmarks that serve the app share: a private Redis, the databases to run on (SQLite, and
PostgreSQL in a schema of its own when YUEBAO_TEST_PG_URL is set), the environment the served app is
configured by, gunicorn started as `./dev up` starts it, and clients spread over forked processes."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

import settings
from models import bind, database
from models.db import in_schema
from stack import redis_server
from stack.up import gunicorn_options

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def private_redis(folder: Path):
    """A redis-server of the benchmark's own under `folder`; yields its URL."""
    process, url = redis_server.start(folder / "redis")
    try:
        yield url
    finally:
        process.terminate()
        process.wait()


def databases(folder: Path, pg_only: bool = False) -> list[tuple[str, str]]:
    """(label, URL) of each database to run on: SQLite in `folder` (unless `pg_only`), and
    PostgreSQL when YUEBAO_TEST_PG_URL is set."""
    found = [] if pg_only else [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
    pg_url = os.environ.get("YUEBAO_TEST_PG_URL")
    return found + [("PostgreSQL", pg_url)] if pg_url else found


def fresh_database(url: str, schema: str) -> str:
    """Bind the database, on PostgreSQL an empty `schema` of its own; returns the URL the served app
    uses (the schema's). Migrating is the caller's."""
    if url.startswith("postgres"):
        bind(url)
        with database.connection_context():
            database.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        url = in_schema(url, schema)
    bind(url)
    return url


def app_environment(url: str, redis_url: str, **overrides: str) -> dict:
    """The environment of the served app: the demo configuration on this database and Redis, warnings
    only in the log, and `overrides` (YUEBAO_… names)."""
    return {**os.environ, "YUEBAO_CONFIG": str(settings.DEMO_CONFIG), "YUEBAO_DATABASE_URL": url,
            "YUEBAO_REDIS_URL": redis_url, "YUEBAO_APP_LOG_LEVEL": "WARNING", **overrides}


def serving_options(parser, clients: str) -> None:
    """A benchmark's options for serving the app: gunicorn's workers × threads (by default as `./dev up`
    serves it), the processes the `clients` are spread over, and --pg-only."""
    web = settings.load(settings.DEMO_CONFIG, env={}).web
    parser.add_argument("--workers", type=int, default=web.workers)
    parser.add_argument("--threads", type=int, default=web.threads)
    parser.add_argument("--client-processes", type=int, default=4,
                        help=f"processes the {clients} are spread over (one Python process limits the baseline)")
    parser.add_argument("--pg-only", action="store_true", help="skip SQLite (needs YUEBAO_TEST_PG_URL)")


def serve(target: str, port: int, env: dict, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn serving `target` on 127.0.0.1:`port`, once it answers."""
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), *gunicorn_options(workers, threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", target],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def run_forked(work, shares: list) -> tuple[float, list]:
    """work(share, start) in a forked process for each share; each calls start.wait() once it is
    ready, so that all begin together. Returns the seconds from then until the last one finished,
    and each share's result (in the order of `shares`)."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(shares) + 1), context.Queue()

    def child(index, share):
        outcome = work(share, start)
        results.put((index, time.monotonic(), outcome))

    processes = [context.Process(target=child, args=(index, share), daemon=True)
                 for index, share in enumerate(shares)]
    for process in processes:
        process.start()
    start.wait()
    started = time.monotonic()
    outcomes = [results.get() for _ in processes]       # in the order the processes finished
    for process in processes:
        process.join()
    elapsed = max(finished for _, finished, _ in outcomes) - started
    return elapsed, [outcome for _, _, outcome in sorted(outcomes, key=lambda found: found[0])]


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"
