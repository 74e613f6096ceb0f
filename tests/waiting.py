"""Waiting on other processes. A test goes on as soon as what it waits for has happened, fails at once
when a process it waits on has exited, and otherwise waits as long as they run: a busy machine slows
every step (a load of 4 on two cores made a 20-second budget fail), it does not stop one. The ceiling
is there for a hang, not for a slow machine."""
from __future__ import annotations

import subprocess
import time

HANG = 600.0      # seconds: nothing these tests wait for takes a tenth of this on an idle machine


def until(check, what: str, *processes: subprocess.Popen, tolerate: tuple = (), ceiling: float = HANG):
    """check()'s first true result, polled every 0.1 s; AssertionError naming `what` when one of
    `processes` has exited first, or after `ceiling` seconds. Exceptions in `tolerate` count as false
    (a Redis that is restarting, say)."""
    deadline = time.monotonic() + ceiling
    while True:
        try:
            result = check()
        except tolerate:
            result = None
        if result:
            return result
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"{what}: {' '.join(map(str, process.args))} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {ceiling:.0f} s (a hang?)")
        time.sleep(0.1)
