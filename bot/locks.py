"""One message per person at a time across processes: a Redis key set with a token of our own, and
a registered script that deletes it only while it still holds that token (so a lock that expired
and was taken by someone else is left to them). The release can ride in another pipeline, by the
script's SHA alone."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Held:
    """A lock we hold: its key and our token."""

    name: str
    token: str


class Locks:
    def __init__(self, redis, timeout_seconds: int = 120):
        self.redis = redis
        self.timeout_ms = timeout_seconds * 1000
        self._release = redis.register_script(RELEASE)

    def acquire(self, name: str, wait_seconds: float) -> Held | None:
        """Take the lock, waiting up to `wait_seconds`; None if someone else holds it all that time.
        Raises RedisError when Redis cannot be reached."""
        token = secrets.token_hex(16)
        deadline = time.monotonic() + wait_seconds
        while not self.redis.set(name, token, nx=True, px=self.timeout_ms):
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)
        return Held(name, token)

    def release(self, held: Held, pipeline=None):
        """Delete the lock if it is still ours: 1 if it was, 0 if it had expired. In a pipeline the
        answer comes with the pipeline's, and the script goes by its SHA without asking Redis first
        whether it has it (redis-py's Script would add a SCRIPT EXISTS round trip): a Redis that lost
        its scripts (restarted) answers NoScriptError, and the caller releases again without one."""
        if pipeline is None:
            return self._release(keys=[held.name], args=[held.token])
        return pipeline.evalsha(self._release.sha, 1, held.name, held.token)
