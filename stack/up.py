"""`flask --app app up`: every piece on one machine, stopped together by Ctrl-C.

The pieces run in sessions of their own, so the terminal's Ctrl-C reaches this supervisor only:
it stops each piece once (a second signal cuts RQ's clean-up short), and Redis last. A piece that
exits while the others run is started again (after 1, 2, 4 … 30 s if it keeps exiting at once),
Redis on its own port: one piece going down never takes the stack with it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
import requests

import settings
from bot import dispatch, outbound
from bot.services import Services
from handlers import shares as share_views
from jobs import cycle
from models import Person, bind, database, migrate
from models.clock import Clock
from models.demo import DEMO_SECRETARY, add_demo_judging, load_demo_data, raise_demo_tasks
from models.periods import shift
from settings import Config, StandinSection
from stack import ports, redis_server

BIN = Path(sys.executable).parent


def _prepare_database(config: Config, demo: bool) -> tuple[list[str], bool]:
    """Migrate and, when the directory is empty, load the demo data (and next month's two
    department-raised tasks).

    Returns every known userid, and whether the demo data was loaded just now.
    """
    bind(config.database.url)
    with database.connection_context():
        migrate()
        loaded = demo and not Person.select().exists()
        if loaded:
            click.echo("loading demo data …")
            period = Clock(config.app.timezone).period()
            load_demo_data(period)
            raise_demo_tasks(shift(period, 1))
        return [p.userid for p in Person.select(Person.userid)], loaded


def _publish_demo_month(config: Config) -> None:
    """This month published now, recorded as the cycle's publish step (the cron does not repeat it)."""
    services = Services(config)
    period = services.clock.period()
    with database.connection_context():
        outcome = cycle.run_step(services, period, "publish", ran_by="demo")
        _judge_demo_month(services, period)
    click.echo(f"published {period}: {outcome.counts.get('cards', 0)} cards on their way to the secretaries")


def _judge_demo_month(services: Services, period: str) -> None:
    """The demo's comments and shared report (models.demo.add_demo_judging), the share cards sent."""
    at = services.clock.utcnow()
    with database.atomic():
        made = add_demo_judging(period, at)
        rows = [outbound.enqueue(message.key, "app", message.to, message.reply, at) for share, plan in made
                for message in share_views.messages(share, plan, dispatch.context(services))]
    services.outbox.kick([row for row in rows if row is not None])


STEADY_SECONDS = 10         # a piece up this long counts as healthy again
MAX_DELAY_SECONDS = 30


@dataclass
class Piece:
    """One process of the stack, and how to start it again."""

    name: str
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen | None = None
    started: float = 0.0
    exits: int = 0                      # exits in a row, each soon after its start
    restart_at: float | None = None

    def launch(self) -> None:
        self.process, self.started, self.restart_at = self.start(), time.monotonic(), None

    def watch(self) -> None:
        """Start the piece again if it exited (after a delay if it keeps exiting at once)."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.launch()
            return
        code = self.process.poll()
        if code is None:
            if now - self.started > STEADY_SECONDS:
                self.exits = 0
            return
        _end_group(self.process.pid, signal.SIGTERM)    # what it left behind, e.g. the worker's scheduler
        self.exits += 1
        delay = min(2 ** (self.exits - 1), MAX_DELAY_SECONDS)
        click.echo(f"{self.name} exited with status {code}; starting it again in {delay} s")
        self.restart_at = now + delay


def _wait_for(url: str, name: str, pieces: list[Piece], seconds: float = 120) -> None:
    """Until `url` answers, watching the pieces meanwhile: gunicorn's four processes each import the
    app, which on a busy two-core machine can take tens of seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for piece in pieces:
            piece.watch()
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise click.ClickException(f"{name} did not answer at {url}")


def _stop(pieces: list[Piece]) -> None:
    """Stop everything, Redis last: the worker and the scheduler talk to it while they stop."""
    _terminate([p.process for p in pieces if p.process is not None and p.name != "redis"])
    _terminate([p.process for p in pieces if p.process is not None and p.name == "redis"])


def _terminate(processes: list) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
        _end_group(process.pid, signal.SIGKILL)


def _end_group(pid: int, signum: int) -> None:
    """Signal what is left of a piece's process group (each piece runs in a session of its own)."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def gunicorn_options(workers: int, threads: int) -> list[str]:
    """How gunicorn serves the app: [web] workers × threads, a worker taking no more connections than
    it has threads. Left to itself a threaded worker accepts up to 1,000 into a queue of its own, where
    a request waits behind a slow page while another worker is idle (bench/pages.py: p95 470 → 246 ms)."""
    return ["--workers", str(workers), "--threads", str(threads), "--worker-connections", str(threads)]


def _flask(*args: str) -> list[str]:
    return [str(BIN / "flask"), "--app", "app", *args]


def _spawn(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, start_new_session=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt     # `kill` stops everything as Ctrl-C does


def _check_ports_free(config: Config) -> None:
    """Refuse to start beside another instance (it would answer our health checks, then our
    servers would die on the taken ports)."""
    for name, host, port, key in (("web", config.web.host, config.web.port, "YUEBAO_WEB_PORT"),
                                  ("WeCom stand-in", config.standin.host, config.standin.port,
                                   "YUEBAO_STANDIN_PORT")):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)    # a listener still refuses
            try:
                probe.bind((host, port))
            except OSError:
                raise click.ClickException(
                    f"{host}:{port} ({name}) is in use: is yuebao already running in another terminal? "
                    f"Stop it, or choose another port with {key}.") from None


def _private_redis() -> tuple[Piece, str]:
    """The private Redis, started now; started again on the same port if it goes down."""
    try:
        process, url = redis_server.start(settings.PRIVATE_REDIS)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    piece = Piece("redis", lambda: redis_server.start(settings.PRIVATE_REDIS, port)[0])
    piece.process, piece.started = process, time.monotonic()
    click.echo(f"redis        {url} (private, under {settings.PRIVATE_REDIS})")
    return piece, url


def run(config: Config, demo: bool = True, web_port: int | None = None, standin_port: int | None = None) -> None:
    pieces: list[Piece] = []
    config, moved = ports.moved(config, web_port, standin_port)
    # The pieces read the file this process read, named: they are not demo commands themselves.
    named = {"YUEBAO_CONFIG": str(Path(config.source).resolve())} if config.source else {}
    env = {**os.environ, **named, **moved}
    _check_ports_free(config)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not config.redis.url:
            redis_piece, url = _private_redis()
            pieces.append(redis_piece)
            env["YUEBAO_REDIS_URL"] = url
            config = config.replace(redis={"url": url})
        userids, fresh_demo = _prepare_database(config, demo)
        standin_url = f"http://{config.standin.host}:{config.standin.port}"
        web_url = f"http://{config.web.host}:{config.web.port}"
        commands = {
            "standin": _flask("standin"),
            "web": [str(BIN / "gunicorn"), *gunicorn_options(config.web.workers, config.web.threads),
                    "--bind", f"{config.web.host}:{config.web.port}", "--access-logfile", "-", "app:create_app()"],
            "worker": _flask("worker"),
        }
        for name, command in commands.items():
            pieces.append(Piece(name, lambda command=command: _spawn(command, env)))
            pieces[-1].launch()
        _wait_for(standin_url + "/_standin/members", "the WeCom stand-in", pieces)
        _wait_for(web_url + "/healthz", "the web server", pieces)
        requests.post(standin_url + "/_standin/members", json={"userids": userids}, timeout=10)
        if fresh_demo:
            _publish_demo_month(config)
        # The cron last: a tick before the members are on the stand-in would publish a month that is
        # due to people WeCom does not know yet (each card then fails for good).
        pieces.append(Piece("cron", lambda: _spawn(_flask("cron"), env)))
        pieces[-1].launch()
        _announce(config, web_url, standin_url, userids)
        while True:
            for piece in pieces:
                piece.watch()
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("\nstopping …")
    finally:
        _stop(pieces)


def _announce(config: Config, web_url: str, standin_url: str, userids: list[str]) -> None:
    secretary = DEMO_SECRETARY if DEMO_SECRETARY in userids else next(
        (u for u in sorted(userids) if u.startswith("sec")), "USERID")
    admin = config.admins.userids[0] if config.admins.userids else "ADMIN"
    port = "" if config.standin.port == StandinSection().port else f"YUEBAO_STANDIN_PORT={config.standin.port} "
    phone = f"{port}.venv/bin/flask --app app phone"
    click.echo(f"""
yuebao is running. web {web_url} · WeCom stand-in {standin_url}
In another terminal, be a secretary on a phone:
    {phone} {secretary}
or an admin in the group chat:
    {phone} {admin} --group
or open the pages in a browser (pick whom to be): {config.pages.public_url.rstrip("/") or web_url}/h5/
Ctrl-C here stops everything.""")
