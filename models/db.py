"""The database handle: one proxy, bound by the app factory or a worker to SQLite or PostgreSQL."""
from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from pathlib import Path

from peewee import DatabaseProxy, Model, PostgresqlDatabase
from playhouse.db_url import parse
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",       # readers never block the writer
    "foreign_keys": 1,
    "busy_timeout": 15000,       # web and workers write at the same time: wait, don't fail
    "synchronous": "normal",
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 30}   # timeout: wait for a free connection


class SerializedSqliteDatabase(PooledSqliteDatabase):
    """Writers queue for SQLite's one write lock here, threads on a lock and processes on a file
    lock beside the database, instead of in SQLite's busy handler. That handler sleeps in growing
    steps (1, 2, 5, 10 … ms), so a writer of another process kept sleeping while the lock sat free,
    and the web processes stood idle half the time under load (bench/checkin.py)."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._writer = threading.Lock()
        self._lock_path = None if database == ":memory:" else f"{database}-writer.lock"
        self._lock_file, self._lock_pid = None, None

    def begin(self, lock_type=None):
        self._writer.acquire()
        try:
            if self._lock_path:
                fcntl.flock(self._process_lock(), fcntl.LOCK_EX)
            super().begin(lock_type)
        except BaseException:
            self._release_writer()
            raise

    def commit(self):
        try:
            return super().commit()
        finally:
            self._release_writer()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._release_writer()

    def _process_lock(self):
        """The lock file, opened once per process: a forked child (an RQ job, a gunicorn worker)
        must not share its parent's open file, or the two would hold the lock together."""
        if self._lock_pid != os.getpid():
            self._lock_file, self._lock_pid = open(self._lock_path, "a+b"), os.getpid()
        return self._lock_file

    def _release_writer(self):
        try:
            if self._lock_path:
                fcntl.flock(self._process_lock(), fcntl.LOCK_UN)
        finally:
            self._writer.release()


def open_database(url: str):
    """A pooled peewee Database for a sqlite:// or postgresql:// URL (not yet connected).

    Requests open and close a connection each; the pool keeps it for the next one.
    """
    params = parse(url)
    if url.startswith("sqlite"):
        path = params.pop("database")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
        # Pooled connections move between threads (one request at a time each).
        return SerializedSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                                        check_same_thread=False, returning_clause=True, **POOL)
    database_name = params.pop("database")
    return PooledPostgresqlDatabase(database_name, prefer_psycopg3=True, **params, **POOL)


def in_schema(url: str, schema: str) -> str:
    """The same PostgreSQL URL, with every table looked up and created in `schema`."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def bind(url: str):
    """Point the proxy at the database of this URL and return it."""
    db = open_database(url)
    database.initialize(db)
    return db


def one_at_a_time(name: str) -> None:
    """Inside a transaction: the other transactions that call this with the same name wait until this
    one ends. On PostgreSQL a transaction-scoped advisory lock; SQLite runs one writer at a time
    already (every write transaction begins IMMEDIATE)."""
    if isinstance(database.obj, PostgresqlDatabase):
        key = int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def migrate() -> list[str]:
    """Create or upgrade the schema; returns the names of the migrations applied now."""
    return Runner(database.obj, directory=str(MIGRATIONS_DIR)).up()


def pending_migrations() -> list[str]:
    """The migrations this database still lacks (all of them for an empty one)."""
    return [m.name for m in Runner(database.obj, directory=str(MIGRATIONS_DIR)).status() if not m.applied]
