"""The schedule, read by `flask --app app cron` (RQ's cron scheduler). One scheduler runs at a time."""
from rq import cron

from bot.services import QUEUE_NAME
from jobs import outbox

cron.register(outbox.sweep, QUEUE_NAME, cron="* * * * *", name="outbox-sweep")
