"""Benchmark: secretaries finish their report concurrently, through encrypted callbacks, against the app
under gunicorn; in the same run a bare echo webhook (bench/echo_app.py) served the same way.

    .venv/bin/python bench/checkin.py [--secretaries 200] [--items 20] [--rate 150] [--runs 3]

The capacity a deployment needs: about 35 check-in messages a second at the peak (5,000 organisations
× 2 people × 25 items in the last two days). Targets: at least 150 messages/s, and a p99 under 200 ms
while 200 secretaries send 150 messages/s between them.

Runs on SQLite, and on PostgreSQL too when YUEBAO_TEST_PG_URL is set. Per database, each phase with its
own 200 secretaries: --runs "saturated" runs (every secretary sends as soon as the answer comes: the
capacity, the median of the runs; the echo then gets the same number of requests from the same
number of clients, its throughput printed beside as the baseline), and one "paced" run (each
secretary sends on a schedule of its own, so that all of them together offer --rate messages/s
whatever the answers' latency: the latency a secretary feels at that load). Also prints the
interactions per item of the common case (typing the answer to each item; a number when asked).

Both servers run as `./dev up` runs the app ([web] workers × threads). The secretaries are spread over
--client-processes processes and send each callback on a connection of its own: a single client
process capped the echo at what one Python process can send, and keep-alive connections opened at
once all landed on one gunicorn worker.
"""
from __future__ import annotations

import argparse
import http.client
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import xmltodict

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
from bot.crypto import CallbackCrypto  # noqa: E402
from bot.services import Services  # noqa: E402
from jobs.publish import publish_period  # noqa: E402
from models import Action, Org, Person, database, migrate  # noqa: E402
from stack import redis_server  # noqa: E402

PERIOD = "2026-11"
BENCH_SCHEMA = "yuebao_bench"
QUANTIFIED_EVERY = 7        # one item in seven asks for a number (times or hours)


class Secretary(threading.Thread):
    """Sends what a secretary types: 开始, then 1 for each item (a number when asked), then part three."""

    def __init__(self, port: int, userid: str, crypto: CallbackCrypto, interval: float, script: list[str] | None):
        """interval: seconds from one send to the next (0: as soon as the answer comes)."""
        super().__init__(daemon=True)
        self.port, self.userid, self.crypto, self.interval, self.script = port, userid, crypto, interval, script
        self.next_send = 0.0
        self.latencies: list[float] = []
        self.item_interactions = 0
        self.error = None

    def send(self, text: str) -> str:
        if self.interval:
            # Sends on a schedule of its own (whatever the answer's latency), starting at a random
            # point of the first interval: together the secretaries offer a steady rate.
            now = time.monotonic()
            self.next_send = self.next_send or now + self.interval * secrets.randbelow(1000) / 1000
            time.sleep(max(0.0, self.next_send - now))
            self.next_send += self.interval
        plain = xmltodict.unparse({"xml": {
            "ToUserName": "corp", "FromUserName": self.userid, "CreateTime": str(int(time.time())),
            "MsgType": "text", "Content": text, "MsgId": str(secrets.randbits(62)), "AgentID": "1000002"}},
            full_document=False)
        stamp, nonce = str(int(time.time())), secrets.token_hex(6)
        encrypt, signature = self.crypto.encrypt(plain, stamp, nonce)
        body = xmltodict.unparse({"xml": {"ToUserName": "corp", "Encrypt": encrypt}}, full_document=False)
        path = "/wecom/callback?" + urlencode({"msg_signature": signature, "timestamp": stamp, "nonce": nonce})
        started = time.perf_counter()
        status, content = self.post(path, body.encode())
        self.latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{self.userid}: HTTP {status}")
        if not content:
            return ""
        reply = xmltodict.parse(content)["xml"]
        plain = self.crypto.decrypt(reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"], reply["Encrypt"])
        return xmltodict.parse(plain)["xml"].get("Content") or ""

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """Each callback on a connection of its own, so the kernel spreads them over the gunicorn
        workers (200 keep-alive connections opened at once all land on one worker)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", path, body=body,
                               headers={"Content-Type": "application/xml", "Connection": "close"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def run(self):
        try:
            if self.script is not None:
                for text in self.script:
                    self.send(text)
                return
            self.converse()
        except Exception as exc:        # reported by the main process
            self.error = f"{type(exc).__name__}: {exc}"

    def converse(self):
        reply = self.send("开始")
        self.item_interactions = 1
        while "亮点" not in reply:
            reply = self.send("2" if "完成多少" in reply else "1")
            self.item_interactions += 1
            if self.item_interactions > 200:
                raise RuntimeError(f"{self.userid}: stuck at {reply!r}")
        for text in ("无", "无", "无", "提交", "提交"):
            reply = self.send(text)
        if "已提交" not in reply:
            raise RuntimeError(f"{self.userid}: not submitted: {reply!r}")


def seed(count: int, items: int) -> None:
    tasks = max(1, items // 5)
    for number in range(1, items - tasks + 1):
        quantified = number % QUANTIFIED_EVERY == 0
        Action.create(code=f"A{number:02d}", category="加强理论学习", title=f"基础动作{number}",
                      requirement="每月不少于1次", frequency="monthly",
                      target=4 if quantified else None, unit="次" if quantified else "")
    from models import Task
    for number in range(1, tasks + 1):
        Task.create(period=PERIOD, code=f"T{number:02d}", title=f"月度任务{number}")
    for number in range(1, count + 1):
        org = Org.create(code=f"O{number:04d}", name=f"组织{number}", type="学院")
        Person.create(userid=f"bench{number:04d}", name=f"书记{number}", roles=["secretary"], org=org)


def run_clients(port, wecom, userids, interval, processes, scripts=None) -> dict:
    """The secretaries, spread over client processes so that the client is not what limits the echo."""
    def client_process(share, start) -> list:
        """Its share of the secretaries as threads, released together by `start`."""
        crypto = CallbackCrypto(wecom.token, wecom.encoding_aes_key, wecom.corp_id)
        clients = [Secretary(port, userids[i], crypto, interval, scripts[i] if scripts else None) for i in share]
        start.wait()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        return [(c.latencies, c.item_interactions, c.error) for c in clients]

    shares = [range(i, len(userids), processes) for i in range(processes)]
    elapsed, outcomes = run_forked(client_process, shares)
    by_index = {}
    for share, clients in zip(shares, outcomes, strict=True):
        by_index.update(zip(share, clients, strict=True))
    clients = [by_index[i] for i in range(len(userids))]
    errors = [error for _, _, error in clients if error]
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed, first: {errors[0]}")
    latencies = sorted(x for client_latencies, _, _ in clients for x in client_latencies)
    return {
        "requests": len(latencies), "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "interactions": [n for _, n, _ in clients], "counts": [len(c) for c, _, _ in clients],
    }


def bench_database(label: str, url: str, redis_url: str, args) -> None:
    interval = args.secretaries / args.rate        # each one's pace, so that all of them offer --rate
    groups = args.runs + 1                  # a fresh group of secretaries for every run, and the paced one
    url = fresh_database(url, BENCH_SCHEMA)
    env = app_environment(url, redis_url)
    config = settings.load(settings.DEMO_CONFIG, env=env)
    with database.connection_context():
        migrate()
        seed(args.secretaries * groups, args.items)
        publish_period(Services(config), PERIOD, force=True)     # a fixed month, whatever the date
    Services(config).redis.flushdb()
    userids = [f"bench{n:04d}" for n in range(1, args.secretaries * groups + 1)]
    group = [userids[i * args.secretaries:(i + 1) * args.secretaries] for i in range(groups)]
    app_port, echo_port = redis_server.free_port(), redis_server.free_port()
    app = serve("app:create_app()", app_port, env, args.workers, args.threads)
    echo = serve("bench.echo_app:create_echo()", echo_port, env, args.workers, args.threads)
    try:
        runs = []
        for run in range(args.runs):
            mine = run_clients(app_port, config.wecom, group[run], 0, args.client_processes)
            same_load = [["1"] * count for count in mine["counts"]]
            runs.append((mine, run_clients(echo_port, config.wecom, group[run], 0, args.client_processes,
                                           same_load)))
        paced = run_clients(app_port, config.wecom, group[-1], interval, args.client_processes)
    finally:
        for server in (app, echo):
            server.terminate()
            server.wait()
    report(label, args, runs, paced)


def report(label, args, runs, paced) -> None:
    interactions = [n for mine, _ in runs for n in mine["interactions"]] + paced["interactions"]
    per_item = statistics.mean(interactions) / args.items
    print(f"\n== {label}: {args.secretaries} secretaries × {args.items} items, gunicorn "
          f"{args.workers} workers × {args.threads} threads, {args.runs} saturated runs")
    print(f"{'phase':<24}{'messages':>10}{'msg/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    rows = [(f"run {i + 1} app", mine) for i, (mine, _) in enumerate(runs)]
    rows += [(f"run {i + 1} echo", echo) for i, (_, echo) in enumerate(runs)]
    rows += [(f"paced at {args.rate}/s app", paced)]
    for name, row in rows:
        print(f"{name:<24}{row['requests']:>10}{row['rps']:>10.0f}{row['p50']:>10.1f}{row['p99']:>10.1f}")
    capacity = statistics.median(mine["rps"] for mine, _ in runs)
    echo = statistics.median(echo["rps"] for _, echo in runs)
    print(f"capacity, median of {args.runs}: {capacity:.0f} messages/s "
          f"(target ≥ {args.target}: {verdict(capacity >= args.target)}); "
          f"echo {echo:.0f}/s, ratio {capacity / echo:.2f} (for information)")
    print(f"p99 with {args.secretaries} secretaries offering {args.rate}/s (served {paced['rps']:.0f}/s): "
          f"{paced['p99']:.0f} ms (target < 200 ms: {verdict(paced['p99'] < 200)})")
    print(f"interactions per item, common case: {per_item:.2f} (target ≤ 1.25: {verdict(per_item <= 1.25)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secretaries", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--rate", type=float, default=150,
                        help="messages/s the secretaries offer together in the paced phase")
    parser.add_argument("--target", type=float, default=150, help="the capacity to reach (messages/s)")
    parser.add_argument("--runs", type=int, default=3, help="saturated runs (the capacity is their median)")
    serving_options(parser, "secretaries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, private_redis(Path(tmp)) as redis_url:
        for label, url in databases(Path(tmp), args.pg_only):
            bench_database(label, url, redis_url, args)


if __name__ == "__main__":
    main()
