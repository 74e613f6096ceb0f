"""The database handle: one proxy, bound by the app factory or a worker to SQLite or PostgreSQL."""
from __future__ import annotations

import datetime
import fcntl
import inspect
import os
import threading
import time
import weakref
from pathlib import Path

from peewee import DatabaseProxy, Model, Value
from playhouse.db_url import parse
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


def now() -> datetime.datetime:
    """Naive UTC, the one clock stored in every timestamp column."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Prepared:
    """A query whose SQL is written once per database, then run with new values.

    Peewee writes a query's SQL afresh on every execution, and for the small queries of a chat
    message that costs several times what SQLite or PostgreSQL spend running them
    (bench/checkin.py). `build` gets one placeholder per argument and returns the query. Call
    the Prepared with plain values (ids, strings, datetimes: what the database stores) for the
    models a SELECT gives, or `execute` it for the driver's plain rows (and for INSERT, UPDATE).
    """

    def __init__(self, build):
        self.build = build
        self.arity = len(inspect.signature(build).parameters)
        self._compiled = weakref.WeakKeyDictionary()    # database → (query, sql, params with slots)
        self._layouts = weakref.WeakKeyDictionary()     # database → the cursor wrapper's row layout

    def _run(self, values):
        db = database.obj
        compiled = self._compiled.get(db)
        if compiled is None:
            slots = [_Slot(i) for i in range(self.arity)]
            query = self.build(*(Value(slot, converter=False) for slot in slots))
            compiled = self._compiled[db] = (query, *query.sql())
        query, sql, template = compiled
        params = [values[p.index] if isinstance(p, _Slot) else p for p in template]
        return query, db.execute_sql(sql, params)

    def __call__(self, *values):
        query, cursor = self._run(values)
        # The query's own cursor wrapper turns the rows into models, joins and aliases included.
        # What it works out from the first row (which column goes to which model) is the same for
        # every run, so it is kept and handed to the next wrappers. Both are peewee internals:
        # requirements.txt pins the version this was written against, and tests/test_db.py checks it.
        wrapper = query._get_cursor_wrapper(cursor)
        layout = self._layouts.get(database.obj)
        if layout is not None:
            wrapper.__dict__.update(layout)
        rows = list(wrapper)
        if layout is None and wrapper.initialized:
            self._layouts[database.obj] = {k: v for k, v in wrapper.__dict__.items() if k not in _PER_CURSOR}
        return rows

    def first(self, *values):
        rows = self(*values)
        return rows[0] if rows else None

    def execute(self, *values) -> list[tuple]:
        """Run it and return the rows as the driver gives them: tuples, no models, no conversions
        (a SELECT of plain columns, or an INSERT / UPDATE and its RETURNING clause, if any)."""
        _, cursor = self._run(values)
        return cursor.fetchall() if cursor.description else []


_PER_CURSOR = {"cursor", "count", "index", "populated", "row_cache"}


class _Slot:
    """Where the n-th argument of a Prepared goes among the query's parameters."""

    def __init__(self, index: int):
        self.index = index


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


TRUST_IDLE_SECONDS = 5.0     # a pooled PostgreSQL connection back this recently is not pinged


class PostgresqlPool(PooledPostgresqlDatabase):
    """Checks a pooled connection with a round trip only when it sat idle for a while.

    Peewee sends SELECT 1 on every checkout, holding the pool's lock: a round trip per request,
    with the other threads of the process queued behind it (bench/checkin.py). A connection back
    from a request moments ago is trusted; if the server went away since, the request fails like
    any database error (the message goes to a worker, see bot/webhook.py) and the connection is
    not pooled again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._returned_at = {}      # id(connection) → when it came back to the pool

    def _is_closed(self, conn):
        returned_at = self._returned_at.pop(id(conn), None)
        if returned_at is not None and time.monotonic() - returned_at < TRUST_IDLE_SECONDS:
            return conn.closed or self._adapter.txn_status(conn) == self._adapter.txn_unknown
        return super()._is_closed(conn)

    def _close(self, conn, close_conn=False):
        if not close_conn:
            self._returned_at[id(conn)] = time.monotonic()    # forgotten again if not pooled
        super()._close(conn, close_conn)

    def _close_raw(self, conn):
        self._returned_at.pop(id(conn), None)
        super()._close_raw(conn)


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
    return PostgresqlPool(database_name, prefer_psycopg3=True, **params, **POOL)


def in_schema(url: str, schema: str) -> str:
    """The same PostgreSQL URL, with every table looked up and created in `schema`."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def bind(url: str):
    """Point the proxy at the database of this URL and return it."""
    db = open_database(url)
    database.initialize(db)
    return db


def migrate() -> list[str]:
    """Create or upgrade the schema; returns the names of the migrations applied now."""
    from playhouse.migrations import Runner

    return Runner(database.obj, directory=str(MIGRATIONS_DIR)).up()
