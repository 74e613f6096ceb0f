"""WeCom failing at a set rate while a month is published: system busy (-1), rate limits (45009,
45033), an expired token (42001), and answers lost after the message was carried out (the caller
times out). Cards arrive late, never lost and never twice; `cycle status` shows the retries."""
import pytest

from jobs.publish import publish_period
from models import OutboxMessage
from tests.faults.fleet import Fleet, seed_secretaries

SECRETARIES = 40
FAULTS = {
    "system busy": {"error_rate": 0.25, "errcode": -1},
    "rate limit": {"error_rate": 0.25, "errcode": 45009},
    "too many calls": {"error_rate": 0.25, "errcode": 45033},
    "expired token": {"error_rate": 0.25, "errcode": 42001},
    "answers lost": {"drop_rate": 0.2, "hang_seconds": 3},
}


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "F", items=1)
    fleet = Fleet(config, standin, tmp_path)
    fleet.env.update(YUEBAO_WECOM_TIMEOUT_SECONDS="2", YUEBAO_OUTBOX_MAX_ATTEMPTS="12",
                     YUEBAO_OUTBOX_BACKOFF_SECONDS="1")
    yield fleet
    fleet.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS)
def test_failing_wecom_delays_cards_but_never_loses_or_doubles_them(fleet, app, phone, fault, figures):
    phone.set_faults(seed=7, **FAULTS[fault])
    fleet.worker()
    fleet.worker()
    period = fleet.clock.period()
    publish_period(fleet.services, period, force=True)
    fleet.drain()
    phone.clear_faults()
    cards = [m["userid"] for m in phone.messages() if "已发布" in ((m["card"] or {}).get("title") or "")]
    rows = OutboxMessage.select().where(OutboxMessage.key.startswith(f"notice:{period}:"))
    retried = sum(1 for row in rows if row.attempts > 1)
    figures("wecom faults", fault=fault, cards=SECRETARIES, sent=len(cards), retried=retried,
            duplicates=len(cards) - len(set(cards)), lost=SECRETARIES - len(set(cards)))
    assert sorted(cards) == [f"f{n:04d}" for n in range(SECRETARIES)]          # each exactly once
    assert {row.status for row in rows} == {"sent"}
    assert retried > 0                                                          # the faults did happen
    shown = app.test_cli_runner().invoke(args=["cycle", "status", period]).output
    assert f"outbox publish: retried {retried}, sent {SECRETARIES}" in shown
