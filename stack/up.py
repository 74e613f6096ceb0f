"""`flask --app app up`: every piece on one machine, stopped together by Ctrl-C.

The pieces run in sessions of their own, so the terminal's Ctrl-C reaches this supervisor only:
it stops each piece once (a second signal cuts RQ's clean-up short), and Redis last.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import requests

from bot.services import Services
from jobs.publish import publish_period
from models import Person, bind, database, migrate
from models.clock import Clock
from models.demo import DEMO_SECRETARY, load_demo_data
from settings import Config
from stack import redis_server

DATA = Path("data")
BIN = Path(sys.executable).parent


def _prepare_database(config: Config, demo: bool) -> tuple[list[str], bool]:
    """Migrate and, when the directory is empty, load the demo data.

    Returns every known userid, and whether the demo data was loaded just now.
    """
    bind(config.database.url)
    with database.connection_context():
        migrate()
        loaded = demo and not Person.select().exists()
        if loaded:
            click.echo("loading demo data …")
            load_demo_data(Clock(config.app.timezone).period())
        return [p.userid for p in Person.select(Person.userid)], loaded


def _publish_demo_month(config: Config) -> None:
    services = Services(config)
    period = services.clock.period()
    with database.connection_context():
        result = publish_period(services, period)
    click.echo(f"published {period}: {result['cards']} cards on their way to the secretaries")


def _wait_for(url: str, name: str, processes: dict, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _check_alive(processes)
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise click.ClickException(f"{name} did not answer at {url}")


def _check_alive(processes: dict) -> None:
    for name, process in processes.items():
        if process.poll() is not None:
            raise click.ClickException(f"{name} exited with status {process.returncode}")


def _stop(processes: dict) -> None:
    """Stop everything, Redis last: the worker and the scheduler talk to it while they stop."""
    _terminate([process for name, process in processes.items() if name != "redis"])
    _terminate([process for name, process in processes.items() if name == "redis"])


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


def run(config: Config, demo: bool = True) -> None:
    processes: dict[str, subprocess.Popen] = {}
    env = dict(os.environ)
    _check_ports_free(config)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not config.redis.url:
            try:
                processes["redis"], url = redis_server.start(DATA / "redis")
            except RuntimeError as exc:
                raise click.ClickException(str(exc)) from None
            env["YUEBAO_REDIS_URL"] = url
            config = config.replace(redis={"url": url})
            click.echo(f"redis        {url} (private, under {DATA / 'redis'})")
        userids, fresh_demo = _prepare_database(config, demo)
        standin_url = f"http://{config.standin.host}:{config.standin.port}"
        web_url = f"http://{config.web.host}:{config.web.port}"
        processes["standin"] = _spawn(_flask("standin"), env)
        processes["web"] = _spawn(
            [str(BIN / "gunicorn"), "--workers", str(config.web.workers), "--threads", str(config.web.threads),
             "--bind", f"{config.web.host}:{config.web.port}", "--access-logfile", "-", "app:create_app()"], env)
        processes["worker"] = _spawn(_flask("worker"), env)
        processes["cron"] = _spawn(_flask("cron"), env)
        _wait_for(standin_url + "/_standin/members", "the WeCom stand-in", processes)
        _wait_for(web_url + "/healthz", "the web server", processes)
        requests.post(standin_url + "/_standin/members", json={"userids": userids}, timeout=10)
        if fresh_demo:
            _publish_demo_month(config)
        _announce(config, web_url, standin_url, userids)
        while True:
            _check_alive(processes)
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("\nstopping …")
    finally:
        _stop(processes)


def _announce(config: Config, web_url: str, standin_url: str, userids: list[str]) -> None:
    secretary = DEMO_SECRETARY if DEMO_SECRETARY in userids else next(
        (u for u in sorted(userids) if u.startswith("sec")), "USERID")
    admin = config.admins.userids[0] if config.admins.userids else "ADMIN"
    click.echo(f"""
yuebao is running. web {web_url} · WeCom stand-in {standin_url}
In another terminal, be a secretary on a phone:
    .venv/bin/flask --app app phone {secretary}
or an admin in the group chat:
    .venv/bin/flask --app app phone {admin} --group
Ctrl-C here stops everything.""")
