"""The process-wide connections, built lazily from the configuration (web, worker and CLI alike)."""
from __future__ import annotations

from functools import cached_property

import redis as redis_lib
from rq import Queue

from bot.crypto import CallbackCrypto
from bot.locks import Locks
from bot.outbound import Outbox
from bot.wecom_client import WeComClient
from models.clock import Clock
from settings import Config, ConfigError

QUEUE_NAME = "yuebao"


class Services:
    def __init__(self, config: Config, clock: Clock | None = None):
        self.config = config
        self.clock = clock or Clock(config.app.timezone)

    @cached_property
    def redis(self) -> redis_lib.Redis:
        if not self.config.redis.url:
            raise ConfigError("redis.url: empty; run `flask --app app up`, or set YUEBAO_REDIS_URL")
        return redis_lib.Redis.from_url(self.config.redis.url, socket_timeout=5,
                                        socket_connect_timeout=2, health_check_interval=30)

    @cached_property
    def app_crypto(self) -> CallbackCrypto:
        wecom = self.config.wecom
        return CallbackCrypto(wecom.token, wecom.encoding_aes_key, wecom.corp_id)

    @cached_property
    def robot_crypto(self) -> CallbackCrypto:
        robot = self.config.robot
        return CallbackCrypto(robot.token, robot.encoding_aes_key, "")   # the robot's receiveid is ""

    @cached_property
    def queue(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.redis)

    @cached_property
    def wecom(self) -> WeComClient:
        return WeComClient(self.config.wecom, self.redis)

    @cached_property
    def locks(self) -> Locks:
        return Locks(self.redis)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.redis, self.queue, self.wecom, self.config.outbox, self.clock, self.locks)
