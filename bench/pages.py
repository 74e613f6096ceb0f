"""Benchmark: 50 people at once on the pages under /h5/, each signed in through WeCom's OAuth on the
stand-in, against the app under gunicorn on the demo data; in the same run the same 50 on the same
gunicorn ask for /healthz, the baseline.

    .venv/bin/python bench/pages.py [--users 50] [--duration 10] [--runs 3] [--think 0] [--client-processes 4]

The capacity users need: the demo's 73 organisations have 103 people who may open the pages (73
secretaries, 15 deputies, 13 liaisons, 2 admins); 50 of them at once is the month's peak (the days
before the deadline, or a meeting where everyone opens the link). Target (issue 13): the pages answer
in under 300 ms at the 95th percentile while 50 people use them at once.

The data: the demo data with this month published, half the organisations having answered half
their items, every third a difficulty routed to a department, every other a highlight. The people:
two admins, three area and three department liaisons, one in eight a deputy, the rest secretaries.
Each signs in once as a browser does (/h5/ → the stand-in's authorize page → the person's link →
/h5/oauth → /h5/), then, for --duration seconds in each of --runs runs, all at once: secretaries
and deputies open 首页, 我的月报 and 我的年度, and every third round answer an item of the report in
its form (then see the report again); liaisons open 首页 and 反馈, admins 首页 and 工作台. By default
nobody pauses to read a page (--think 0), so 50 requests are always in flight, far more than 50
people reading their phones ask for; with --think S each reads a page for S seconds on average.
Each request goes on a connection of its own, as through a reverse proxy (keep-alive connections
opened at once all landed on one gunicorn worker in bench/checkin.py). After each run the same
people ask for /healthz for as long, paced alike: the baseline. An answer other than the page's
(200; 303 after a form) is an error, counted and printed.

Prints per database (SQLite, and PostgreSQL too when YUEBAO_TEST_PG_URL is set): per run and page
the requests, errors, requests/s and p50/p95/p99, their medians over the runs, whether the target is
met (the median of the runs' p95 over all pages), the CPU the clients used (their processes, spread
over --client-processes, must not be what limits the baseline), and the gunicorn workers' CPU per
request and memory. The app is served as `./dev up` serves it ([web] workers × threads).
"""
from __future__ import annotations

import argparse
import html
import logging
import math
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from bench.common import (  # noqa: E402
    app_environment,
    databases,
    fresh_database,
    private_redis,
    run_forked,
    serve,
    serving_options,
    verdict,
)
from bot.services import Services  # noqa: E402
from jobs.publish import publish_period  # noqa: E402
from models import Department, Org, Person, database, migrate  # noqa: E402
from models.checkin import add_feedback, answer, counted, entries  # noqa: E402
from models.clock import Clock  # noqa: E402
from models.demo import load_demo_data  # noqa: E402
from models.report import ANSWERS, EntryStatus, Report  # noqa: E402
from stack import redis_server  # noqa: E402
from standin.server import start_in_thread  # noqa: E402

PERIOD = Clock().period()           # this month: the one the pages show
BENCH_SCHEMA = "yuebao_pages"
TARGET_MS = 300
SECRETARY, DEPUTY, AREA, DEPARTMENT, ADMIN = "secretary", "deputy", "area liaison", "department liaison", "admin"
ROLES = {SECRETARY: "secretaries", DEPUTY: "deputies", AREA: "area liaisons", DEPARTMENT: "department liaisons",
         ADMIN: "admins"}
ROUND = {                           # the pages a person opens in a round, by role
    SECRETARY: ("home", "report", "year"), DEPUTY: ("home", "report", "year"),
    AREA: ("home", "feedback"), DEPARTMENT: ("home", "feedback"), ADMIN: ("home", "desk"),
}
PATHS = {"home": "/h5/", "report": "/h5/report", "year": "/h5/year", "feedback": "/h5/feedback",
         "desk": "/h5/desk", "healthz": "/healthz"}
KINDS = ("home", "report", "year", "answer", "feedback", "desk")
ALL = "all pages"
EXPECTED = {"answer": 303}          # any other page: 200
ANSWER_EVERY = 3                    # rounds
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')
ANSWER_FORM = re.compile(r'<form method="post" action="([^"#]+/answer)[^"]*">(.*?)</form>', re.S)


def fill_in(clock: Clock) -> None:
    """Half the organisations answered half their items (a note on every fourth); every third wrote
    a difficulty routed to a department, every other a highlight."""
    statuses = (EntryStatus.DONE, EntryStatus.DONE, EntryStatus.IN_PROGRESS, EntryStatus.NOT_APPLICABLE,
                EntryStatus.DEFERRED)
    departments = list(Department.select().order_by(Department.id))
    at = clock.utcnow()
    with database.atomic():
        reports = Report.select(Report, Org).join(Org).where(Report.period == PERIOD).order_by(Org.id)
        for index, report in enumerate(reports):
            secretary = Person.get(Person.userid == f"sec-{report.org.code.lower()}")
            if index % 2 == 0:
                items = entries(report)
                for number, entry in enumerate(items[:len(items) // 2]):
                    status = statuses[number % len(statuses)]
                    numbered = counted(entry) and status != EntryStatus.NOT_APPLICABLE
                    answer(entry, secretary, at, status, amount=1 if numbered else None,
                           reason="本单位不涉及" if status == EntryStatus.NOT_APPLICABLE else "",
                           note="已按要求开展，材料已存档" if number % 4 == 0 else None)
                add_feedback(report, "highlight", "本月组织开展主题党日活动，参与率高", secretary, at)
            if index % 3 == 0:
                add_feedback(report, "difficulty", "活动经费紧张，希望增加支持", secretary, at,
                             departments[index % len(departments)])


def cast(count: int, admins: list[str]) -> list[tuple[str, str]]:
    """(userid, role) of the users: two admins, three area and three department liaisons, one in
    eight a deputy, the rest secretaries (deputies and secretaries of the first organisations)."""
    def people(prefix: str) -> list[str]:
        return [p.userid for p in Person.select(Person.userid).where(Person.userid.startswith(prefix))
                .order_by(Person.org, Person.id)]
    deputies = count // 8
    secretaries = count - deputies - 8
    chosen = ([(u, ADMIN) for u in admins[:2]] + [(u, AREA) for u in people("pq-")[:3]]
              + [(u, DEPARTMENT) for u in people("dept-")[:3]] + [(u, DEPUTY) for u in people("dep-")[:deputies]]
              + [(u, SECRETARY) for u in people("sec-")[:secretaries]])
    if len(chosen) != count:
        raise SystemExit(f"the demo data has not the people for {count} users")
    return chosen


class User:
    """A person with a browser: a session cookie, and the requests made with it (kind, seconds, status)."""

    def __init__(self, userid: str, role: str, seed: int):
        self.userid, self.role = userid, role
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.session.headers["Connection"] = "close"        # a connection for each request
        self.records: list[tuple[str, float, int]] = []

    def sign_in(self, base: str) -> None:
        """WeCom's OAuth as a browser goes through it, picking this person on the stand-in's page."""
        authorize = self.expect(self.session.get(base + "/h5/", allow_redirects=False, timeout=30), 302)
        shown = self.session.get(authorize, timeout=30)
        links = {label: href for href, label in LINK.findall(shown.text)}
        picked = self.session.get(urljoin(authorize, html.unescape(links[self.userid])), allow_redirects=False,
                                  timeout=30)
        back = self.expect(picked, 302)
        target = self.expect(self.session.get(back, allow_redirects=False, timeout=30), 302)
        home = self.session.get(urljoin(base, target), timeout=30)
        if home.status_code != 200 or "您好" not in home.text:
            raise RuntimeError(f"{self.userid}: no home page after signing in (HTTP {home.status_code})")

    def expect(self, response: requests.Response, status: int) -> str:
        """The redirect's target, when the response is the redirect expected."""
        if response.status_code != status:
            raise RuntimeError(f"{self.userid}: HTTP {response.status_code} from {response.url}")
        return response.headers["Location"]

    def visit(self, kind: str, method: str, url: str, data: dict | None = None) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.session.request(method, url, data=data, allow_redirects=False, timeout=60)
        except requests.RequestException:
            response = None
        self.records.append((kind, time.perf_counter() - started, 0 if response is None else response.status_code))
        return response

    def browse(self, base: str, deadline: float, think: float) -> None:
        """Rounds of the person's pages until `deadline`, each page read for about `think` seconds; a
        secretary or deputy answers an item every few rounds."""
        self.records = []
        rounds = 0
        time.sleep(think * self.random.random())        # people do not all start at the same moment
        while time.monotonic() < deadline:
            shown = {}
            for kind in ROUND[self.role]:
                shown[kind] = self.visit(kind, "GET", base + PATHS[kind])
                time.sleep(think * self.random.uniform(0.5, 1.5))
            rounds += 1
            report = shown.get("report")
            if rounds % ANSWER_EVERY == 0 and report is not None and report.status_code == 200:
                self.answer(base, report.text)
                time.sleep(think * self.random.uniform(0.5, 1.5))

    def answer(self, base: str, page: str) -> None:
        """Answer one item in its form, as the browser posts it, and see the report again."""
        forms = ANSWER_FORM.findall(page)
        if not forms:
            return
        action, form = self.random.choice(forms)
        status = self.random.choice(ANSWERS)
        note = re.search(r'<textarea name="note"[^>]*>(.*?)</textarea>', form, re.S)
        data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form)[1],
                "entry": re.search(r'name="entry" value="(\d+)"', form)[1], "status": status,
                "reason": "本单位不涉及" if status == EntryStatus.NOT_APPLICABLE else "",
                "note": html.unescape(note[1])}
        if 'name="amount"' in form:
            data["amount"] = str(self.random.randint(1, 3))
        response = self.visit("answer", "POST", base + action, data)
        if response is not None and response.status_code == 303:
            self.visit("report", "GET", urljoin(base, response.headers["Location"]))

    def poll(self, base: str, deadline: float, think: float) -> None:
        """The baseline: /healthz again and again until `deadline`, paced as the pages are."""
        self.records = []
        time.sleep(think * self.random.random())
        while time.monotonic() < deadline:
            self.visit("healthz", "GET", base + PATHS["healthz"])
            time.sleep(think * self.random.uniform(0.5, 1.5))


def load(users: list[User], base: str, phase: str, args) -> dict:
    """All users at once for --duration seconds, spread over the client processes: their records,
    the elapsed time and the CPU seconds the client processes used."""
    def client_process(share: list[User], start) -> tuple[list, float]:
        start.wait()
        deadline, cpu = time.monotonic() + args.duration, time.process_time()
        threads = [threading.Thread(target=getattr(user, phase), args=(base, deadline, args.think))
                   for user in share]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [record for user in share for record in user.records], time.process_time() - cpu

    shares = [users[i::args.client_processes] for i in range(args.client_processes)]
    elapsed, outcomes = run_forked(client_process, shares)
    return {"records": [record for records, _ in outcomes for record in records], "elapsed": elapsed,
            "cpu": [seconds for _, seconds in outcomes]}


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(records: list, elapsed: float) -> dict:
    latencies = sorted(seconds * 1000 for _, seconds, _ in records)
    if not latencies:
        return {}
    return {"requests": len(records), "rate": len(records) / elapsed,
            "errors": sum(status != EXPECTED.get(kind, 200) for kind, _, status in records),
            "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99)}


def server_cpu(workers: list[psutil.Process]) -> float:
    """CPU seconds the gunicorn workers have used."""
    return sum(sum(worker.cpu_times()[:2]) for worker in workers)


def measure(users: list[User], base: str, workers: list[psutil.Process], args) -> dict:
    """One run: the pages, then the baseline with the same users for as long; with the CPU the
    gunicorn workers used for each request."""
    before = server_cpu(workers)
    pages = load(users, base, "browse", args)
    between = server_cpu(workers)
    healthz = load(users, base, "poll", args)
    after = server_cpu(workers)
    rows = {kind: summary([r for r in pages["records"] if r[0] == kind], pages["elapsed"]) for kind in KINDS}
    rows[ALL] = summary(pages["records"], pages["elapsed"])
    rows["/healthz"] = summary(healthz["records"], healthz["elapsed"])
    errors = Counter((kind, status) for kind, _, status in pages["records"] + healthz["records"]
                     if status != EXPECTED.get(kind, 200))
    return {"rows": {name: row for name, row in rows.items() if row}, "errors": errors,
            "cpu": {"pages": sum(pages["cpu"]) / pages["elapsed"], "healthz": sum(healthz["cpu"]) / healthz["elapsed"],
                    "busiest": max(max(phase["cpu"]) / phase["elapsed"] for phase in (pages, healthz))},
            "server": {"pages": (between - before) / len(pages["records"]),
                       "healthz": (after - between) / len(healthz["records"])}}


def prepare(config) -> None:
    """The demo data, this month published, and answers and feedback in it."""
    migrate()
    load_demo_data(PERIOD)
    services = Services(config)
    publish_period(services, PERIOD)
    fill_in(services.clock)


def bench_database(label: str, url: str, redis_url: str, args) -> None:
    url = fresh_database(url, BENCH_SCHEMA)
    app_url = f"http://127.0.0.1:{redis_server.free_port()}"
    env = app_environment(url, redis_url, YUEBAO_STANDIN_APP_URL=app_url, YUEBAO_PAGES_PUBLIC_URL=app_url)
    config = settings.load(settings.DEMO_CONFIG, env=env)
    with database.connection_context():
        prepare(config)
        users = [User(userid, role, seed)
                 for seed, (userid, role) in enumerate(cast(args.users, config.admins.userids))]
        userids = [p.userid for p in Person.select(Person.userid)]
    standin = start_in_thread(config)
    try:
        standin.state.add_members(userids)
        env.update(YUEBAO_WECOM_API_BASE_URL=f"{standin.url}/cgi-bin/",
                   YUEBAO_PAGES_OAUTH_BASE_URL=f"{standin.url}/connect/oauth2/authorize")
        app = serve("app:create_app()", int(app_url.rsplit(":", 1)[1]), env, args.workers, args.threads)
        try:
            with ThreadPoolExecutor(max_workers=10) as pool:
                list(pool.map(lambda user: user.sign_in(app_url), users))
            workers = psutil.Process(app.pid).children()
            runs = [measure(users, app_url, workers, args) for _ in range(args.runs)]
            memory = sorted(worker.memory_info().rss / 2**20 for worker in workers)
        finally:
            app.terminate()
            app.wait()
    finally:
        standin.shutdown()
    report(label, args, users, runs, memory)


def row_line(run: str, name: str, row: dict) -> str:
    return (f"{run:<8}{name:<12}{row['requests']:>9.0f}{row['errors']:>8.0f}{row['rate']:>9.1f}"
            f"{row['p50']:>9.0f}{row['p95']:>9.0f}{row['p99']:>9.0f}")


def report(label: str, args, users: list[User], runs: list[dict], memory: list[float]) -> None:
    roles = Counter(user.role for user in users)
    cast_line = ", ".join(f"{roles[role]} {plural}" for role, plural in ROLES.items() if roles[role])
    pause = f"reading each page {args.think:g} s" if args.think else "without pausing"
    print(f"\n== {label}: {len(users)} users ({cast_line}) {pause}, {args.runs} runs of {args.duration:g} s, "
          f"gunicorn {args.workers} workers × {args.threads} threads, {args.client_processes} client processes")
    print(f"{'run':<8}{'page':<12}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    names = [name for name in (*KINDS, ALL, "/healthz") if any(name in run["rows"] for run in runs)]
    for number, run in enumerate(runs, 1):
        for name in names:
            if name in run["rows"]:
                print(row_line(str(number), name, run["rows"][name]))
    medians = {name: {column: statistics.median(run["rows"][name][column] for run in runs if name in run["rows"])
                      for column in ("requests", "errors", "rate", "p50", "p95", "p99")} for name in names}
    for name in names:
        print(row_line("median", name, medians[name]))
    p95 = medians[ALL]["p95"]
    print(f"p95 of the pages, median of {args.runs} runs: {p95:.0f} ms (target < {TARGET_MS} ms: "
          f"{verdict(p95 < TARGET_MS)}); /healthz under the same {len(users)} users: "
          f"{medians['/healthz']['p95']:.0f} ms at {medians['/healthz']['rate']:.0f}/s")
    errors = sum((run["errors"] for run in runs), Counter())
    print("errors: " + (", ".join(f"{n} × {kind} HTTP {status or 'no answer'}" for (kind, status), n in
                                  errors.most_common()) if errors else "none"))
    cpu = {key: statistics.median(run["cpu"][key] for run in runs) for key in ("pages", "healthz", "busiest")}
    print(f"clients' CPU (medians): {cpu['pages']:.2f} cores during the pages, {cpu['healthz']:.2f} during "
          f"/healthz, the busiest client process {cpu['busiest']:.0%} of a core (of {psutil.cpu_count()} cores)")
    server = {key: statistics.median(run["server"][key] for run in runs) * 1000 for key in ("pages", "healthz")}
    print(f"gunicorn workers' CPU per request (medians): {server['pages']:.1f} ms a page, "
          f"{server['healthz']:.1f} ms /healthz; their memory after the runs: "
          f"{', '.join(f'{mb:.0f}' for mb in memory)} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="people signed in and using the pages at once")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each run's pages (and baseline)")
    parser.add_argument("--runs", type=int, default=3, help="runs (the figures' medians are printed)")
    parser.add_argument("--think", type=float, default=0,
                        help="seconds a person reads a page on average (0: the next page at once)")
    serving_options(parser, "users")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)      # the stand-in's access log
    with tempfile.TemporaryDirectory() as tmp, private_redis(Path(tmp)) as redis_url:
        for label, url in databases(Path(tmp), args.pg_only):
            bench_database(label, url, redis_url, args)


if __name__ == "__main__":
    main()
