"""Benchmark: publish a month to 10,000 secretaries through the stand-in, which answers every call
after 50 ms, with 4 worker processes.

    .venv/bin/python bench/fanout.py [--secretaries 10000] [--latency-ms 50] [--workers 4]

Prints the wall time from the publish command (`flask --app app publish`, a process of its own) to
the last card arriving at the stand-in; the floor, secretaries × latency ÷ sends in flight (workers ×
[outbox] sends_in_flight; WeCom does not count message/send against its per-minute caps, so latency
and concurrency alone set it); their ratio; duplicates and losses counted on the stand-in; and the
peak memory of a worker (its process and the job it forked). Targets: under 60 s, at most 1.25 ×
the floor, no duplicate, no loss, a worker under 300 MB. Runs on SQLite, and on PostgreSQL too
when YUEBAO_TEST_PG_URL is set.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import redis as redis_lib
from peewee import chunked
from rq import Worker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from models import Action, Org, Person, Task, bind, database, migrate  # noqa: E402
from models.clock import Clock  # noqa: E402
from models.db import in_schema  # noqa: E402
from stack import redis_server  # noqa: E402
from standin.client import StandinClient  # noqa: E402

PERIOD = Clock().period()               # this month: what `flask --app app publish` publishes
BENCH_SCHEMA = "yuebao_fanout"
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def seed(count: int) -> None:
    for number in range(1, 21):
        Action.create(code=f"A{number:02d}", category="加强理论学习", title=f"基础动作{number}",
                      requirement="每月不少于1次", frequency="monthly")
    for number in range(1, 5):
        Task.create(period=PERIOD, code=f"T{number}", title=f"月度任务{number}")
    types = settings.DirectorySection().org_types
    for rows in chunked([{"code": f"F{n:05d}", "name": f"组织{n}", "type": types[n % len(types)]}
                         for n in range(count)], 1000):
        Org.insert_many(rows).execute()
    orgs = dict(Org.select(Org.code, Org.id).tuples())
    for rows in chunked([{"userid": f"fan{n:05d}", "name": f"书记{n}", "roles": ["secretary"],
                          "org": orgs[f"F{n:05d}"]} for n in range(count)], 1000):
        Person.insert_many(rows).execute()


def database_url(kind: str, folder: Path) -> str:
    if kind == "SQLite":
        return f"sqlite:///{folder / 'fanout.db'}"
    url = os.environ["YUEBAO_TEST_PG_URL"]
    bind(url)
    with database.connection_context():
        database.execute_sql(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE; CREATE SCHEMA {BENCH_SCHEMA}")
    return in_schema(url, BENCH_SCHEMA)


def cards_sent(phone) -> int:
    """How many messages the secretaries have received (the admins' notices left out)."""
    return sum(n for userid, n in phone.stats()["messages_sent"].items() if userid.startswith("fan"))


class Watch(threading.Thread):
    """The peak resident memory of each worker (its forked job included), and the CPU time of the
    workers (their jobs included) and of the stand-in."""

    def __init__(self, workers: list[int], standin: int):
        super().__init__(daemon=True)
        self.workers = [psutil.Process(pid) for pid in workers]
        self.standin = psutil.Process(standin)
        self.peak = 0
        self.cpu: dict[int, float] = {}       # pid → CPU seconds, last seen
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.1):
            for process in self.workers:
                try:
                    tree = [process, *process.children(recursive=True)]
                    self.peak = max(self.peak, sum(p.memory_info().rss for p in tree))
                    times = process.cpu_times()     # its jobs' once they are reaped
                    self.cpu[process.pid] = times.user + times.system + times.children_user + times.children_system
                except psutil.Error:
                    continue

    def seconds(self) -> tuple[float, float]:
        """CPU seconds of the workers and of the stand-in."""
        times = self.standin.cpu_times()
        return sum(self.cpu.values()), times.user + times.system


def start(args: list[str], env: dict, folder: Path, name: str) -> subprocess.Popen:
    log = open(folder / f"{name}.log", "w")
    return subprocess.Popen(FLASK + args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:           # the piece is still starting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {seconds} s")


def run(kind: str, args, folder: Path) -> None:
    url = database_url(kind, folder)
    bind(url)
    with database.connection_context():
        migrate()
        seed(args.secretaries)
    redis_process, redis_url = redis_server.start(folder / f"redis-{kind}")
    standin_port = redis_server.free_port()
    env = {**os.environ, "YUEBAO_CONFIG": str(settings.DEMO_CONFIG), "YUEBAO_DATABASE_URL": url,
           "YUEBAO_REDIS_URL": redis_url, "YUEBAO_APP_LOG_LEVEL": "WARNING",
           "YUEBAO_STANDIN_PORT": str(standin_port),
           "YUEBAO_WECOM_API_BASE_URL": f"http://127.0.0.1:{standin_port}/cgi-bin/"}
    pieces = [start(["standin"], env, folder, f"standin-{kind}")]
    phone = StandinClient(f"http://127.0.0.1:{standin_port}")
    try:
        wait_for(lambda: phone.members() is not None, 30, "the stand-in starts")
        phone.add_members([f"fan{n:05d}" for n in range(args.secretaries)] + ["dangwei01", "dangwei02"])
        phone.set_faults(latency_ms=args.latency_ms)
        workers = [start(["worker"], env, folder, f"worker{i}-{kind}") for i in range(args.workers)]
        pieces += workers
        redis = redis_lib.Redis.from_url(redis_url)
        wait_for(lambda: len(Worker.all(redis)) == args.workers, 60, "the workers start")
        watch = Watch([w.pid for w in workers], pieces[0].pid)
        watch.start()
        started, before = time.monotonic(), sum(psutil.Process().cpu_times()[2:4])
        publish = subprocess.Popen(FLASK + ["publish", "--yes"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        output = publish.communicate()[0]
        if publish.returncode:
            raise RuntimeError(output)
        published = time.monotonic() - started
        publish_cpu = sum(psutil.Process().cpu_times()[2:4]) - before      # the command, reaped just now
        wait_for(lambda: cards_sent(phone) >= args.secretaries, 600, "every card arrives")
        elapsed = time.monotonic() - started
        watch.stop.set()
        report(kind, args, phone, elapsed, published, watch.peak)
        workers_cpu, standin_cpu = watch.seconds()
        logs = "".join((folder / f"worker{i}-{kind}.log").read_text() for i in range(args.workers))
        print(f"worker logs: {logs.count('Traceback')} tracebacks, "
              f"{logs.count('database is locked')} 'database is locked'")
        print(f"CPU seconds: the publish command {publish_cpu:.0f}, the workers {workers_cpu:.0f}, "
              f"the stand-in {standin_cpu:.0f} (on {psutil.cpu_count()} cores)")
    finally:
        for piece in pieces:
            piece.terminate()
        for piece in pieces:
            piece.wait(timeout=30)
        redis_process.terminate()
        redis_process.wait()


def report(kind, args, phone, elapsed, published, peak) -> None:
    cards = Counter(m["userid"] for m in phone.messages() if (m["card"] or {}).get("title", "").endswith("已发布"))
    wanted = {f"fan{n:05d}" for n in range(args.secretaries)}
    in_flight = args.workers * settings.load(settings.DEMO_CONFIG).outbox.sends_in_flight
    floor = args.secretaries * args.latency_ms / 1000 / in_flight
    print(f"\n== {kind}: {args.secretaries} secretaries, stand-in latency {args.latency_ms} ms, "
          f"{args.workers} workers × {in_flight // args.workers} sends in flight")
    print(f"publish command done after {published:.1f} s; last card after {elapsed:.1f} s "
          f"(target < 60 s: {'met' if elapsed < 60 else 'NOT met'})")
    print(f"floor {floor:.1f} s, ratio {elapsed / floor:.2f} (target ≤ 1.25: "
          f"{'met' if elapsed / floor <= 1.25 else 'NOT met'})")
    duplicates = sum(n - 1 for n in cards.values() if n > 1)
    losses = len(wanted - set(cards))
    print(f"duplicates {duplicates}, losses {losses}; worker peak memory {peak / 2**20:.0f} MB "
          f"(target < 300 MB: {'met' if peak < 300 * 2**20 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secretaries", type=int, default=10000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", args, Path(folder))
        if os.environ.get("YUEBAO_TEST_PG_URL"):
            run("PostgreSQL", args, Path(folder))


if __name__ == "__main__":
    main()
