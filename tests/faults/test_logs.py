"""The logs of a whole run at INFO, as an operator's terminal shows them: gunicorn's access log and
the app's lines from the web and a worker, while a month is published, secretaries answer, and an
admin asks in the group (the robot's response_url) and for a chart (a file upload). No secret, no
token, no message body, no response_url; at most one line per delivered message."""
import re

import pytest

from jobs.publish import publish_period
from models import OutboxMessage
from tests.faults.fleet import Fleet, seed_secretaries
from tests.waiting import until

SECRETARIES = 3
PRIVATE = "机密XYZ-12345 家庭住址"
ACCESS_TOKEN = re.compile(r"access_token=(?!\*\*\*)")


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "L", items=2)
    fleet = Fleet(config, standin, tmp_path)
    fleet.env.update(YUEBAO_APP_LOG_LEVEL="INFO")
    yield fleet
    fleet.stop()


@pytest.mark.slow
def test_a_runs_logs_hold_no_secret_and_a_line_a_message(fleet, phone, config, tmp_path):
    fleet.web()
    fleet.worker()
    publish_period(fleet.services, fleet.clock.period(), force=True)
    callbacks = 0
    for n in range(SECRETARIES):
        for text in ("1", PRIVATE):
            assert phone.say(f"l{n:04d}", text)["status"] == 200
            callbacks += 1
    for text in ("进度", "统计"):
        assert phone.robot("dangwei01", text)["status"] == 200
        callbacks += 1
    until(lambda: OutboxMessage.select().where(OutboxMessage.key.startswith("result:")).exists(), "the chart",
          *fleet.running())
    fleet.drain()
    sent = OutboxMessage.select().where(OutboxMessage.status == "sent").count()
    assert sent >= SECRETARIES * 2 + 3                          # cards, replies, the admins' notices, the chart

    logs = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in tmp_path.glob("*.log")}
    secrets = [config.wecom.secret, config.wecom.token, config.wecom.encoding_aes_key, config.robot.token,
               config.robot.encoding_aes_key, PRIVATE, "response_code="]
    for name, text in logs.items():
        assert not [s for s in secrets if s in text], name
        assert not ACCESS_TOKEN.search(text), name
    worker_lines = sum(len(text.splitlines()) for name, text in logs.items() if name.startswith("worker"))
    assert worker_lines <= sent + 1                              # a line a delivered message, and the token fetched
    web_lines = [line for name, text in logs.items() if name.startswith("web") for line in text.splitlines()
                 if "[INFO]" not in line and "GET /healthz" not in line]   # start-up lines and probes aside
    assert len(web_lines) <= callbacks + 1                       # the access line of each callback
