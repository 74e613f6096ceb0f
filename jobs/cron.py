"""The schedule, read by `flask --app app cron` (RQ's cron scheduler). One scheduler runs at a time."""
from rq import cron

from bot.services import QUEUE_NAME
from jobs import cycle, directory, inbound, outbox

cron.register(outbox.sweep, QUEUE_NAME, cron="* * * * *", name="outbox-sweep")
cron.register(cycle.scheduled_tick, QUEUE_NAME, cron="* * * * *", name="cycle-tick")
cron.register(inbound.prune, QUEUE_NAME, cron="17 3 * * *", name="inbound-prune")
cron.register(directory.sync, QUEUE_NAME, cron="30 2 * * *", name="directory-sync")
