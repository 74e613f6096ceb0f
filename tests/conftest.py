"""Shared fixtures: a real database (SQLite always, PostgreSQL when YUEBAO_TEST_PG_URL is set),
a private real Redis, and the configuration that points the app at them."""
from __future__ import annotations

import datetime
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
import redis as redis_lib
from werkzeug.serving import make_server

import settings
from app import create_app
from handlers import router
from handlers.router import Context
from jobs import runtime
from models import ALL_MODELS, Org, Person, database
from models.clock import Clock, parse_moment
from models.db import bind, in_schema, migrate
from stack import redis_server
from standin.client import StandinClient
from standin.server import start_in_thread
from tests.conversation import Chat, seed_month
from tests.setups import STANDINS

PG_URL = os.environ.get("YUEBAO_TEST_PG_URL", "")
# Every test that does not set the clock itself runs at this moment when it is given (CI runs the
# suite once on the real date and once at a tricky one, e.g. 2027-02-28T23:59+08:00).
PINNED_NOW = os.environ.get("YUEBAO_TEST_NOW", "")
TIMEZONE = "Asia/Shanghai"
PG_APPLICATION = f"yuebao-test-{os.getpid()}"     # how this run's connections show in pg_stat_activity


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", dest="all_tests",
                     help="also run the tests marked slow (processes, browsers, many generated cases)")


def pytest_report_header(config):
    return [line for line in (
        "" if PG_URL else "PostgreSQL copies left out: YUEBAO_TEST_PG_URL is not set",
        f"YUEBAO_TEST_NOW={PINNED_NOW}: only the tests that read the clock fixture run (the pin changes no other)"
        if PINNED_NOW else "") if line]


def pytest_collection_modifyitems(config, items):
    """The fast suite by default: the slow tests are left out unless --all, a -m selection or a test's
    id (file::name) is given; the PostgreSQL copies when no PostgreSQL is named; with YUEBAO_TEST_NOW,
    the tests the pin cannot change. The slow tests go first, so that the longest do not start last."""
    every = config.getoption("all_tests") or config.getoption("markexpr") or any("::" in a for a in config.args)
    left_out = [item for item in items if (not PG_URL and item.get_closest_marker("pg"))
                or (not every and item.get_closest_marker("slow"))
                or (PINNED_NOW and "clock" not in item.fixturenames)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, items)) - set(map(id, left_out))
        items[:] = [item for item in items if id(item) in kept]
    items.sort(key=lambda item: not item.get_closest_marker("slow"))


@pytest.fixture
def clock() -> Clock:
    """The clock the services of a test read; `clock.set(...)` where the date matters."""
    return Clock(TIMEZONE, at=parse_moment(PINNED_NOW, TIMEZONE) if PINNED_NOW else None)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A redis-server of our own for the whole run; the user's Redis is never touched."""
    process, url = redis_server.start(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_client(redis_url):
    client = redis_lib.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture(scope="session")
def _pg_schema():
    """Migrate a schema of this run's own (parallel runs and other data stay untouched)."""
    schema = f"yuebao_test_{os.getpid()}"
    db = bind(PG_URL)
    db.connect(reuse_if_open=True)
    db.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    db.close()
    url = in_schema(PG_URL, schema) + f"&application_name={PG_APPLICATION}"
    bind(url)
    with database.connection_context():
        migrate()
    yield url
    db = bind(PG_URL)
    with database.connection_context():
        db.execute_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _empty_pg():
    """Delete every row, children first, and restart the ids (25 times faster than TRUNCATE here)."""
    tables = [m._meta.table_name for m in reversed(ALL_MODELS)]
    database.execute_sql("".join(f'DELETE FROM "{t}";' for t in tables) + "".join(
        f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), 1, false);" for t in tables))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A migrated, empty SQLite file, migrated once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "yuebao.db"
    db = bind(f"sqlite:///{path}")
    with db.connection_context():
        migrate()
    db.close_all()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request, tmp_path):
    """A migrated, empty database, once on SQLite and once on PostgreSQL when configured."""
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), tmp_path / "yuebao.db")
        url = f"sqlite:///{tmp_path / 'yuebao.db'}"
        bind(url)
        database.connect(reuse_if_open=True)
    else:
        url = request.getfixturevalue("_pg_schema")
        bind(url)
        database.connect(reuse_if_open=True)
        _empty_pg()
    yield url
    if not database.is_closed():
        database.close()


@pytest.fixture
def db(db_url):
    """The bound peewee database, connected in this thread."""
    return database


@pytest.fixture(scope="session")
def demo_config() -> settings.Config:
    return settings.load(settings.DEMO_CONFIG, env={})


@pytest.fixture(scope="session")
def _standin_server(demo_config):
    handle = start_in_thread(demo_config)
    yield handle
    handle.shutdown()


@pytest.fixture
def standin(_standin_server, demo_config):
    """The local WeCom stand-in, served over HTTP from a thread, with the demo credentials: one server
    for the run, holding a new State for each test."""
    handle = _standin_server.renewed(demo_config)
    STANDINS[handle.url] = handle
    yield handle
    del STANDINS[handle.url]
    handle.state.closing.set()


@pytest.fixture
def phone(standin):
    """The control side of the stand-in: what people type and what their phones show."""
    return StandinClient(standin.url)


# Where WeCom is for a test that does not ask for the stand-in: a port nothing listens on (discard),
# so that a test which sends without saying so fails at once instead of passing by accident (SMS too).
NO_WECOM = "http://127.0.0.1:9/cgi-bin/"


@pytest.fixture
def config(request, demo_config, db_url, redis_url, tmp_path) -> settings.Config:
    """The demo configuration pointed at this test's database, Redis and a folder of its own; at the
    stand-in when the test asks for it (`standin`, or `phone`), else at nothing. Two sends in flight,
    not eight: the stand-in answers at once from this same process, so more threads only take turns
    at the interpreter's lock (the tests that publish the demo month took a third longer)."""
    if "standin" in request.fixturenames:
        standin = request.getfixturevalue("standin")
        base, wecom, sms = standin.state.config, f"{standin.url}/cgi-bin/", standin.url
    else:
        base, wecom, sms = demo_config, NO_WECOM, NO_WECOM.removesuffix("/cgi-bin/")
    return base.replace(
        app={"files_dir": str(tmp_path / "files")}, database={"url": db_url}, redis={"url": redis_url},
        wecom={"api_base_url": wecom, "timeout_seconds": 2}, outbox={"backoff_seconds": 0, "sends_in_flight": 2},
        sms={"endpoint": sms, "timeout_seconds": 2})


@pytest.fixture
def root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def app(config, redis_client, clock):
    return create_app(config, clock)


@pytest.fixture
def services(app):
    services = app.extensions["yuebao"]
    runtime.use(services)
    return services


@pytest.fixture
def client(app, services):
    return app.test_client()


@pytest.fixture
def people(db):
    """A small directory: one org with a secretary and a deputy, and an admin."""
    org = Org.create(code="ORG01", name="哲学学院", type="学院")
    return {
        "secretary": Person.create(userid="sec01", name="张书记", roles=["secretary"], org=org),
        "deputy": Person.create(userid="dep01", name="李副书记", roles=["deputy"], org=org),
        "admin": Person.create(userid="dangwei01", name="王老师", roles=["admin"]),
        "org": org,
    }


@pytest.fixture
def ctx(db) -> Context:
    """The handlers' context, for tests that talk to them directly (tests/conversation.py): 10 November
    2026, 09:30 in Shanghai; dangwei01 an admin."""
    return Context(clock=Clock(TIMEZONE, at=datetime.datetime(2026, 11, 10, 9, 30)),
                   admin_userids=frozenset({"dangwei01"}))


@pytest.fixture
def sec(ctx) -> Chat:
    """sec01's chat, November published (tests/conversation.py seed_month)."""
    seed_month()
    return Chat("sec01", ctx)


@pytest.fixture
def handler(monkeypatch):
    """Replace the handlers by a function (inbound, ctx) -> replies, run where the real ones run."""
    def install(func):
        monkeypatch.setattr(router, "route", lambda inbound, person, ctx: func(inbound, ctx))
    return install


@pytest.fixture
def figures(request, db_url):
    """record(kind, **numbers): a fault test's figures, one JSON line in $YUEBAO_FIGURES (bench/faults.py
    sets it and prints them); nothing otherwise."""
    def record(kind: str, **numbers) -> None:
        path = os.environ.get("YUEBAO_FIGURES")
        if path:
            line = {"kind": kind, "database": db_url.split(":", 1)[0], "test": request.node.name, **numbers}
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return record


@pytest.fixture
def live_port() -> int:
    """The port live_app serves on, known before the app is made (its pages' public URL names it)."""
    return redis_server.free_port()


@pytest.fixture
def live_app(app, services, standin, live_port):
    """The app served over real HTTP from a thread; the stand-in's callbacks go to it."""
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    standin.state.config = standin.state.config.replace(standin={"app_url": url})
    yield url
    server.shutdown()
    server.server_close()
