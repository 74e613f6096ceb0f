"""A deployment's pieces as separate processes on this machine, to kill and start again: gunicorn
web processes, RQ workers (`flask worker`) and a redis-server of the test's own, around the test's
database and the stand-in running in the test process. Every piece reads the real time."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests
from redis.exceptions import RedisError
from rq import Worker

from bot.services import Services
from jobs import outbox as outbox_jobs, runtime
from models import Action, DeferredMessage, Org, OutboxMessage, Person
from models.clock import Clock
from stack import redis_server
from tests.conftest import TIMEZONE
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def seed_secretaries(phone, admins: list[str], count: int, code: str, items: int = 5) -> list[str]:
    """`items` monthly actions and `count` orgs coded f"{code}{n:04d}", each with a secretary whose
    userid is that code in lower case, known to the stand-in with the admins; returns the userids."""
    Action.insert_many([{"code": f"A{n:02d}", "category": "加强理论学习", "title": f"动作{n}", "frequency": "monthly"}
                        for n in range(items)]).execute()
    codes = [f"{code}{n:04d}" for n in range(count)]
    Org.insert_many([{"code": org, "name": f"组织{n}", "type": "学院"} for n, org in enumerate(codes)]).execute()
    ids = dict(Org.select(Org.code, Org.id).where(Org.code.in_(codes)).tuples())
    Person.insert_many([{"userid": org.lower(), "name": f"书记{n}", "roles": ["secretary"], "org": ids[org]}
                        for n, org in enumerate(codes)]).execute()
    userids = [org.lower() for org in codes]
    phone.add_members(userids + admins)
    return userids


class Fleet:
    def __init__(self, config, standin, tmp_path: Path):
        self.tmp_path = tmp_path
        self.redis, self.redis_url = redis_server.start(tmp_path / "redis")
        self.redis_port = int(self.redis_url.rsplit(":", 1)[1].split("/")[0])
        self.clock = Clock(TIMEZONE)
        self.services = Services(config.replace(redis={"url": self.redis_url},
                                                sms={"quiet_from": "00:00", "quiet_until": "00:00"}), self.clock)
        runtime.use(self.services)
        self.standin = standin
        self.env = {**os.environ, "YUEBAO_CONFIG": str(ROOT / "config.demo.toml"),
                    "YUEBAO_DATABASE_URL": config.database.url, "YUEBAO_REDIS_URL": self.redis_url,
                    "YUEBAO_WECOM_API_BASE_URL": config.wecom.api_base_url, "YUEBAO_APP_LOG_LEVEL": "WARNING",
                    "YUEBAO_APP_FILES_DIR": str(tmp_path / "files"), "YUEBAO_OUTBOX_BACKOFF_SECONDS": "0",
                    # SMS to this test's stand-in, at any hour of the real clock the processes run on
                    "YUEBAO_SMS_ENDPOINT": config.sms.endpoint, "YUEBAO_SMS_QUIET_FROM": "00:00",
                    "YUEBAO_SMS_QUIET_UNTIL": "00:00"}
        self.processes: list[subprocess.Popen] = []
        self.logs: dict[int, Path] = {}                 # pid -> the file its output goes to

    def _spawn(self, command: list[str], name: str) -> subprocess.Popen:
        path = self.tmp_path / f"{name}-{len(self.processes)}.log"
        with open(path, "ab") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        self.logs[process.pid] = path
        return process

    def web(self, port: int | None = None, workers: int = 2,
            reuse_port: bool = False) -> tuple[subprocess.Popen, str]:
        """A gunicorn serving the app; the stand-in's callbacks go to the last one started. Those
        started with `reuse_port` share their port, the kernel spreading connections over them."""
        port = port or redis_server.free_port()
        process = self._spawn([str(BIN / "gunicorn"), "--workers", str(workers), "--threads", "4",
                               "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
                               *(["--reuse-port"] if reuse_port else []), "app:create_app()"], "web")
        url = f"http://127.0.0.1:{port}"
        # Another gunicorn may answer on a shared port: this one is up once it has answered itself.
        until(lambda: _answers(url + "/healthz") and self.served(process, "GET /healthz") > 0,
              f"gunicorn on {url}", process)
        self.standin.state.config = self.standin.state.config.replace(standin={"app_url": url})
        return process, url

    def served(self, process: subprocess.Popen, request: str) -> int:
        """How many requests starting with `request` (e.g. "POST /wecom/callback") this gunicorn
        answered, counted in its access log."""
        return sum(f'"{request}' in line for line in self.logs[process.pid].read_text().splitlines())

    def worker(self) -> subprocess.Popen:
        process = self._spawn([sys.executable, "-m", "flask", "--app", "app", "worker"], "worker")
        until(lambda: self._workers() > 0, "an RQ worker", process)
        return process

    def _workers(self) -> int:
        try:
            return len(Worker.all(connection=self.services.redis))
        except RedisError:
            return 0

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and everything it started (gunicorn's workers too)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    def restart_redis(self) -> None:
        """Redis killed and started again empty on the same port: every queued job and lock is gone."""
        self.kill(self.redis)
        self.redis, _ = redis_server.start(self.tmp_path / "redis", self.redis_port)

    def recover(self) -> dict:
        """The cron's sweep once three minutes have passed since a crash: it takes back the rows a
        dead worker was sending and queues again what Redis forgot."""
        long_ago = self.clock.utcnow() - datetime.timedelta(minutes=3)
        OutboxMessage.update(claimed_at=long_ago).where(OutboxMessage.status == "sending").execute()
        OutboxMessage.update(next_attempt_at=long_ago).where(OutboxMessage.status == "pending").execute()
        DeferredMessage.update(queued_at=long_ago).execute()
        return outbox_jobs.sweep()

    def drain(self) -> None:
        """Until no handed-off callback and no outbox row waits any more (the workers running)."""
        until(lambda: DeferredMessage.select().count() == 0 and OutboxMessage.select().where(
            OutboxMessage.status.in_(["pending", "sending"])).count() == 0,
              "the outbox to drain", *self.running())

    def running(self) -> list[subprocess.Popen]:
        """The pieces started and not killed (yet)."""
        return [process for process in self.processes if process.poll() is None]

    def stop(self) -> None:
        for process in self.processes + [self.redis]:
            if process.poll() is None:
                self.kill(process)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


