"""Prepared queries give what the plain query gives; SQLite writers queue on a file lock; the
PostgreSQL pool checks a connection with a round trip only after it sat idle."""
from __future__ import annotations

import fcntl
import multiprocessing

import psycopg
import pytest
from peewee import JOIN, OperationalError

from models import Org, Person, bind, database, migrate
from models import db as db_module
from models.db import Prepared, open_database
from tests.conftest import PG_URL

PEOPLE_OF_TYPE = Prepared(lambda org_type, name: (
    Person.select(Person, Org).join(Org, JOIN.LEFT_OUTER)
    .where(Org.type == org_type, Person.name != name, Org.code.not_in(["X1", "X2"]))
    .order_by(Person.userid)))


def plain(org_type, name):
    return list(Person.select(Person, Org).join(Org, JOIN.LEFT_OUTER)
                .where(Org.type == org_type, Person.name != name, Org.code.not_in(["X1", "X2"]))
                .order_by(Person.userid))


def seed():
    college = Org.create(code="C1", name="哲学学院", type="学院")
    hospital = Org.create(code="H1", name="第一医院", type="附属医院")
    Person.create(userid="a", name="甲", roles=["secretary"], org=college)
    Person.create(userid="b", name="乙", roles=["secretary"], org=college)
    Person.create(userid="c", name="丙", roles=["deputy"], org=college)
    Person.create(userid="d", name="丁", roles=["secretary"], org=hospital)


def test_same_rows_as_the_plain_query_for_each_set_of_values(db):
    seed()
    for values in (("学院", "甲"), ("学院", "无名"), ("附属医院", "甲"), ("机关部门", "甲")):
        prepared = PEOPLE_OF_TYPE(*values)
        assert [(p.userid, p.org.name) for p in prepared] == [(p.userid, p.org.name) for p in plain(*values)]
    assert [p.userid for p in PEOPLE_OF_TYPE("学院", "甲")] == ["b", "c"]


def test_first_is_none_without_rows(db):
    seed()
    assert PEOPLE_OF_TYPE.first("附属医院", "乙").userid == "d"
    assert PEOPLE_OF_TYPE.first("机关部门", "乙") is None


def test_another_database_gets_its_own_sql(db, tmp_path):
    seed()
    assert PEOPLE_OF_TYPE.first("学院", "乙").userid == "a"
    first = database.obj
    try:
        bind(f"sqlite:///{tmp_path / 'other.db'}")
        with database.connection_context():
            migrate()
            assert PEOPLE_OF_TYPE.first("学院", "乙") is None
    finally:
        database.initialize(first)
    assert PEOPLE_OF_TYPE.first("学院", "乙").userid == "a"


def test_rows_after_an_empty_first_run_and_again_from_the_kept_layout(db):
    seed()
    by_code = Prepared(lambda code: Person.select(Person, Org).join(Org).where(Org.code == code)
                       .order_by(Person.userid))
    assert by_code("X9") == []
    for _ in range(2):
        assert [(p.userid, p.org.code, p.org.type) for p in by_code("H1")] == [("d", "H1", "附属医院")]
        assert [p.userid for p in by_code("C1")] == ["a", "b", "c"]


def _try_lock(path: str, answer) -> None:
    """In another process: can the writers' file lock be taken right now?"""
    with open(path, "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            answer.put("free")
        except BlockingIOError:
            answer.put("held")


def test_a_sqlite_write_transaction_holds_the_file_lock_other_processes_queue_on(tmp_path):
    path = tmp_path / "lock.db"
    db = open_database(f"sqlite:///{path}")
    context = multiprocessing.get_context("fork")
    answer = context.Queue()

    def other_process() -> str:
        process = context.Process(target=_try_lock, args=(f"{path}-writer.lock", answer))
        process.start()
        process.join(10)
        return answer.get(timeout=5)

    with db.connection_context():
        with db.atomic():
            db.execute_sql("CREATE TABLE t (x INTEGER)")
            assert other_process() == "held"
        assert other_process() == "free"
        with pytest.raises(ZeroDivisionError):
            with db.atomic():
                db.execute_sql("INSERT INTO t VALUES (1)")
                raise ZeroDivisionError
        assert other_process() == "free"
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone() == (0,)


@pytest.fixture
def pg_pool():
    if not PG_URL:
        pytest.skip("YUEBAO_TEST_PG_URL not set")
    pool = open_database(PG_URL)
    yield pool
    pool.close_all()


def server_side(sql: str, *params):
    """Ask PostgreSQL from a connection of its own (what a pooled backend last ran, or kill it)."""
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


def checkout(pool) -> int:
    """Take a connection from the pool; returns its backend's pid."""
    pool.connect()
    return pool.connection().info.backend_pid


@pytest.mark.pg
def test_a_connection_back_moments_ago_is_reused_without_a_round_trip(pg_pool, monkeypatch):
    pid = checkout(pg_pool)
    pg_pool.execute_sql("SELECT 'last of the request'")
    pg_pool.close()
    assert checkout(pg_pool) == pid
    assert server_side("SELECT query FROM pg_stat_activity WHERE pid = %s", pid) == "SELECT 'last of the request'"
    pg_pool.close()
    monkeypatch.setattr(db_module, "TRUST_IDLE_SECONDS", 0)
    assert checkout(pg_pool) == pid
    assert server_side("SELECT query FROM pg_stat_activity WHERE pid = %s", pid) == "SELECT 1"


@pytest.mark.pg
def test_a_connection_that_died_while_idle_is_replaced(pg_pool, monkeypatch):
    pid = checkout(pg_pool)
    pg_pool.close()
    assert server_side("SELECT pg_terminate_backend(%s)", pid)
    monkeypatch.setattr(db_module, "TRUST_IDLE_SECONDS", 0)
    assert checkout(pg_pool) != pid
    assert pg_pool.execute_sql("SELECT 2").fetchone() == (2,)


@pytest.mark.pg
def test_a_connection_that_died_moments_ago_fails_once_and_is_not_pooled_again(pg_pool):
    pid = checkout(pg_pool)
    pg_pool.close()
    assert server_side("SELECT pg_terminate_backend(%s)", pid)
    assert checkout(pg_pool) == pid
    with pytest.raises(OperationalError):
        pg_pool.execute_sql("SELECT 2")
    pg_pool.close()
    assert checkout(pg_pool) != pid
    assert pg_pool.execute_sql("SELECT 2").fetchone() == (2,)
