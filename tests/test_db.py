"""SQLite writers queue on a file lock; pooled PostgreSQL connections are reused, and replaced when
their backend died."""
from __future__ import annotations

import fcntl
import multiprocessing
import threading

import psycopg
import pytest

from models import database
from models.db import one_at_a_time, open_database
from tests.conftest import PG_URL
from tests.waiting import HANG, until


def _try_lock(path: str, answer) -> None:
    """In another process: can the writers' file lock be taken right now?"""
    with open(path, "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            answer.put("free")
        except BlockingIOError:
            answer.put("held")


@pytest.mark.slow
def test_a_sqlite_write_transaction_holds_the_file_lock_other_processes_queue_on(tmp_path):
    path = tmp_path / "lock.db"
    db = open_database(f"sqlite:///{path}")
    context = multiprocessing.get_context("fork")
    answer = context.Queue()

    def other_process() -> str:
        process = context.Process(target=_try_lock, args=(f"{path}-writer.lock", answer))
        process.start()
        process.join(HANG)
        return answer.get(timeout=HANG)

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
def test_a_pooled_connection_is_reused_and_replaced_once_its_backend_died(pg_pool):
    pid = checkout(pg_pool)
    pg_pool.close()
    assert checkout(pg_pool) == pid
    pg_pool.close()
    assert server_side("SELECT pg_terminate_backend(%s)", pid)
    assert checkout(pg_pool) != pid
    assert pg_pool.execute_sql("SELECT 2").fetchone() == (2,)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)
def test_one_persons_transactions_run_one_at_a_time_on_postgresql(db):
    """What keeps two of one person's answers from taking the same item while Redis (and with it the
    per-person lock) is restarting."""
    holding, done = threading.Event(), []

    def transaction(name: str, hold: bool) -> None:
        with database.connection_context(), database.atomic():
            one_at_a_time(name)
            if hold:
                holding.set()
                until(lambda: waiting() == 1, "the second transaction waits for the first", ceiling=60)
            done.append(name)

    def waiting() -> int:
        return server_side("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")

    first = threading.Thread(target=transaction, args=("user:app:sec01", True))
    first.start()
    until(holding.is_set, "the first transaction holds the person")
    transaction("user:app:sec02", False)                # another person does not wait
    second = threading.Thread(target=transaction, args=("user:app:sec01", False))
    second.start()
    first.join(HANG)
    second.join(HANG)
    assert done == ["user:app:sec02", "user:app:sec01", "user:app:sec01"] and waiting() == 0
