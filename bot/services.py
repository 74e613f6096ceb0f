"""The process-wide connections, built lazily from the configuration (web, worker and CLI alike)."""
from __future__ import annotations

from functools import cached_property

import redis as redis_lib
from rq import Queue

import settings
from bot import notices, sms_providers
from bot.crypto import CallbackCrypto
from bot.locks import Locks
from bot.outbound import Outbox
from bot.sms import SmsDelivery
from bot.wecom_client import WeComClient
from models.clock import Clock
from models.schedule import Schedule
from settings import Config, ConfigError

QUEUE_NAME = "yuebao"


class Services:
    # Seconds a callback waits for the same person's message before it, then is handed to a worker;
    # WeCom gives up on a passive reply after 5. Tests that hold the person's lock shorten it.
    passive_lock_wait = 3.0

    def __init__(self, config: Config, clock: Clock | None = None):
        self.config = config
        self.clock = clock or Clock(config.app.timezone)

    @property
    def redis_url(self) -> str:
        """[redis] url, or, when it is empty in the demo's configuration, the private Redis that
        `./dev up` started here (an operator's configuration names its Redis)."""
        if self.config.redis.url:
            return self.config.redis.url
        if not self.config.is_demo:
            raise ConfigError("redis.url: empty; set it, or YUEBAO_REDIS_URL, to your Redis's URL")
        url = settings.private_redis_url()
        if not url:
            raise ConfigError("redis.url: empty, and no ./dev up running in this folder; start it, "
                              "or set YUEBAO_REDIS_URL")
        return url

    @cached_property
    def redis(self) -> redis_lib.Redis:
        timeout = self.config.redis.timeout_seconds
        return redis_lib.Redis.from_url(self.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                        health_check_interval=30)

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
    def contacts(self) -> WeComClient:
        """The client with the 通讯录同步 secret (user/list_id answers only to it)."""
        return WeComClient(self.config.wecom, self.redis, secret=self.config.wecom.contacts_secret,
                           purpose="contacts")

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule(self.config.schedule, self.config.app.timezone)

    @cached_property
    def locks(self) -> Locks:
        return Locks(self.redis)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.redis, self.queue, self.wecom, self.config.outbox, self.clock, self.locks,
                      webhook_key=self.config.admin_group.webhook_key,
                      on_unknown_recipient=lambda userid: notices.unknown_recipient(self.config, self.clock, userid),
                      sms=SmsDelivery(sms_providers.build(self.config.sms), self.config.sms, self.config.outbox,
                                      self.clock))
