"""Per-member pacing: WeCom silently drops messages past 30 per member per minute."""
from __future__ import annotations

import time
import uuid

WINDOW_SECONDS = 60

# Sliding window in a sorted set: drop old sends, count, take a slot or say how long to wait.
TAKE_SLOT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, window + 1)
  return '0'
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""


class Pacer:
    def __init__(self, redis, per_minute: int):
        self.per_minute = per_minute
        self._take = redis.register_script(TAKE_SLOT)

    def take(self, recipient: str) -> float:
        """0 when a message to `recipient` may go now (the slot is taken), else seconds to wait."""
        wait = self._take(keys=[f"yuebao:pace:{recipient}"],
                          args=[time.time(), WINDOW_SECONDS, self.per_minute, uuid.uuid4().hex])
        return max(0.0, float(wait))
