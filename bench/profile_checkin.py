"""Profile: what one check-in message costs, in process, through the real path (an encrypted callback →
the Flask app → bot/dispatch.py → the handlers → the database → the outbox).

    .venv/bin/python bench/profile_checkin.py [--items 20] [--top 10]

One secretary goes through their report as in bench/checkin.py (开始, an answer to each item, part
three, 提交) through Flask's test client; a first secretary warms the connections up and is not
counted. Per message it prints: the SQL statements the driver ran (every one, BEGIN and COMMIT and
the pool's connection check included: a cursor class of our own, given to sqlite3 / psycopg through
their public `factory` / `cursor_factory` arguments) and the distinct statements; the Redis round
trips (a connection class of our own given to redis-py, counting the writes to the socket) and the
commands Redis ran (its INFO commandstats); the wall time split into the write transactions (BEGIN
to the end of COMMIT), statements outside them, waiting for Redis and the rest, beside this
process's CPU; then, for a third secretary under cProfile, the top functions of our code by
cumulative time and of all code by own time. cProfile keeps its own clock, wall time (a CPU clock
costs a system call a function call here, and multiplies the time of small functions): waits on
the database and Redis show as the drivers' own time, and on a busy machine so do other processes'
turns. In the same process a bare echo (bench/echo_app.py) answers as many callbacks: the fixed
cost of Flask, the crypto and the XML.

Runs on SQLite, and on PostgreSQL too when YUEBAO_TEST_PG_URL is set (in a schema of its own).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis as redis_lib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from app import create_app  # noqa: E402
from bench.checkin import PERIOD, Secretary, seed  # noqa: E402
from bench.common import app_environment, databases, fresh_database, private_redis  # noqa: E402
from bench.echo_app import create_echo  # noqa: E402
from bot.crypto import CallbackCrypto  # noqa: E402
from bot.services import Services  # noqa: E402
from jobs.publish import publish_period  # noqa: E402
from models import database, migrate  # noqa: E402

PROFILE_SCHEMA = "yuebao_profile"
STATEMENT_WIDTH = 150
OUR_CODE = f"{ROOT}/(bot|handlers|models)/"       # where the cumulative list looks (pstats' regex)


class Recorder:
    """What the driver and Redis did while `on`: (statement, started, finished), round trips and the
    seconds spent on them."""

    def __init__(self):
        self.on = False
        self.statements: list[tuple[str, float, float]] = []
        self.round_trips = 0
        self.redis_seconds = 0.0

    def statement(self, sql: str, started: float) -> None:
        if self.on:
            self.statements.append((" ".join(sql.split()), started, time.perf_counter()))

    def clear(self) -> None:
        self.statements.clear()
        self.round_trips, self.redis_seconds = 0, 0.0


RECORDER = Recorder()


class TimedSqliteCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        started = time.perf_counter()
        try:
            return super().execute(sql, parameters)
        finally:
            RECORDER.statement(sql, started)


class TimedSqliteConnection(sqlite3.Connection):
    def cursor(self, factory=TimedSqliteCursor):
        return super().cursor(factory)


class TimedPgCursor(psycopg.Cursor):
    def execute(self, query, params=None, **options):
        started = time.perf_counter()
        try:
            return super().execute(query, params, **options)
        finally:
            RECORDER.statement(str(query), started)


class CountingConnection(redis_lib.Connection):
    """A round trip is a write to the socket (a pipeline writes all its commands at once) and the
    wait for what comes back."""

    def send_packed_command(self, command, check_health=True):
        if RECORDER.on:
            RECORDER.round_trips += 1
        started = time.perf_counter()
        try:
            return super().send_packed_command(command, check_health)
        finally:
            if RECORDER.on:
                RECORDER.redis_seconds += time.perf_counter() - started

    def read_response(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return super().read_response(*args, **kwargs)
        finally:
            if RECORDER.on:
                RECORDER.redis_seconds += time.perf_counter() - started


class InProcessSecretary(Secretary):
    """bench/checkin.py's secretary, posting through Flask's test client instead of HTTP."""

    def __init__(self, client, userid: str, crypto: CallbackCrypto):
        super().__init__(0, userid, crypto, 0, None)
        self.client = client

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        response = self.client.post(path, data=body, content_type="application/xml")
        return response.status_code, response.data


def command_calls(redis) -> Counter:
    """How many times Redis ran each command (its INFO commandstats, commands of scripts included)."""
    return Counter({name.removeprefix("cmdstat_"): fields["calls"]
                    for name, fields in redis.info("commandstats").items()})


def instrument(db_url: str, redis_url: str):
    """The app on this database and Redis, with the timed cursors and the counting Redis connection."""
    env = app_environment(db_url, redis_url)
    os.environ.update(env)          # bench/echo_app.py reads its configuration from the environment
    app = create_app(settings.load(settings.DEMO_CONFIG, env=env))
    database.obj.connect_params.update(
        {"factory": TimedSqliteConnection} if db_url.startswith("sqlite") else {"cursor_factory": TimedPgCursor})
    services = app.extensions["yuebao"]
    # Before anything used it: the locks, the queue and the outbox are built on this client.
    services.redis = redis_lib.Redis.from_url(redis_url, connection_class=CountingConnection)
    return app, services


def transactions(statements) -> list[tuple[float, float]]:
    """(start of BEGIN, end of COMMIT or ROLLBACK) of each transaction."""
    spans, began = [], None
    for sql, started, finished in statements:
        word = sql.split(" ", 1)[0].upper()
        if word == "BEGIN":
            began = started
        elif word in ("COMMIT", "ROLLBACK") and began is not None:
            spans.append((began, finished))
            began = None
    return spans


@dataclass
class Measured:
    """One secretary's check-in, counted and timed (seconds), and another's under cProfile."""

    messages: int
    wall: float
    cpu: float
    median: float
    commands: Counter
    profiler: cProfile.Profile
    profiled_messages: int
    echo_wall: float
    echo_cpu: float


def echo_cost(crypto: CallbackCrypto, count: int) -> tuple[float, float]:
    """(wall, CPU) seconds per callback of the bare echo, served in this process."""
    echo = InProcessSecretary(create_echo().test_client(), "echo", crypto)
    echo.send("1")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        echo.send("1")
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


def measure(client, crypto: CallbackCrypto, redis) -> Measured:
    """bench0001 warms up; bench0002 is counted and timed; bench0003 runs under cProfile."""
    InProcessSecretary(client, "bench0001", crypto).converse()
    measured = InProcessSecretary(client, "bench0002", crypto)
    calls_before = command_calls(redis)
    RECORDER.clear()
    RECORDER.on = True
    wall, cpu = time.perf_counter(), time.process_time()
    measured.converse()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    RECORDER.on = False
    commands = command_calls(redis) - calls_before - Counter({"info": 1})
    profiler, profiled = cProfile.Profile(), InProcessSecretary(client, "bench0003", crypto)
    profiler.enable()
    profiled.converse()
    profiler.disable()
    count = len(measured.latencies)
    return Measured(count, wall, cpu, statistics.median(measured.latencies), commands, profiler,
                    len(profiled.latencies), *echo_cost(crypto, count))


def profile_database(label: str, url: str, redis_url: str, args) -> None:
    url = fresh_database(url, PROFILE_SCHEMA)
    with database.connection_context():
        migrate()
        seed(3, args.items)
    app, services = instrument(url, redis_url)
    with database.connection_context():
        publish_period(Services(services.config), PERIOD, force=True)   # a fixed month, whatever the date
    services.redis.flushdb()
    wecom = services.config.wecom
    crypto = CallbackCrypto(wecom.token, wecom.encoding_aes_key, wecom.corp_id)
    report(label, args, measure(app.test_client(), crypto, services.redis))


def report(label: str, args, m: Measured) -> None:
    statements = RECORDER.statements
    spans = transactions(statements)
    in_transactions = sum(end - start for start, end in spans)
    outside = sum(end - start for _, start, end in statements
                  if not any(begin <= start <= finish for begin, finish in spans))
    rest = m.wall - in_transactions - outside - RECORDER.redis_seconds
    ms = 1000 / m.messages
    print(f"\n== {label}: one secretary, {args.items} items, {m.messages} messages in process")
    print(f"per message: wall {m.wall * ms:.2f} ms (median {m.median * 1000:.2f}), CPU of this process "
          f"{m.cpu * ms:.2f} ms; the bare echo in process: wall {m.echo_wall * 1000:.2f} ms, "
          f"CPU {m.echo_cpu * 1000:.2f} ms")
    print(f"  write transactions (BEGIN to COMMIT) {in_transactions * ms:.2f} ms ({len(spans) / m.messages:.2f} "
          f"a message), statements outside them {outside * ms:.2f} ms, Redis {RECORDER.redis_seconds * ms:.2f} ms, "
          f"the rest {rest * ms:.2f} ms")
    print(f"SQL statements per message: {len(statements) / m.messages:.2f}; distinct statements (per message):")
    for sql, times in Counter(sql for sql, _, _ in statements).most_common():
        print(f"  {times / m.messages:5.2f}  {sql[:STATEMENT_WIDTH]}{' …' if len(sql) > STATEMENT_WIDTH else ''}")
    print(f"Redis round trips per message: {RECORDER.round_trips / m.messages:.2f}; commands Redis ran "
          "(per message): " + ", ".join(f"{name} {times / m.messages:.2f}" for name, times in m.commands.most_common()))
    print(f"CPU by function, cProfile over another secretary's {m.profiled_messages} messages "
          "(seconds for all of them):")
    print(top_functions(m.profiler, "cumulative", OUR_CODE, args.top))
    print(top_functions(m.profiler, "tottime", "", args.top))


def top_functions(profiler, order: str, where: str, top: int) -> str:
    """pstats' table of the `top` functions by `order` among those whose path matches `where`, with
    the paths made short."""
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(where, top)
    table = out.getvalue()
    table = table[table.index("   ncalls"):].rstrip()
    for prefix in sorted({os.path.dirname(os.__file__), *sys.path, str(ROOT)}, key=len, reverse=True):
        if prefix and os.path.isabs(prefix):
            table = table.replace(prefix + os.sep, "")
    title = f"  by {order} time{', of our code' if where else ''}:"
    return "\n".join([title, *("  " + line for line in table.splitlines())])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--top", type=int, default=10, help="functions listed by cumulative and by own time")
    parser.add_argument("--pg-only", action="store_true", help="skip SQLite (needs YUEBAO_TEST_PG_URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, private_redis(Path(tmp)) as redis_url:
        for label, url in databases(Path(tmp), args.pg_only):
            profile_database(label, url, redis_url, args)


if __name__ == "__main__":
    main()
