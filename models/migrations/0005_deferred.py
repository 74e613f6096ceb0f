# Callbacks handed to a worker are kept in the database until acted on (Redis may lose their jobs).
from peewee import CharField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class DeferredMessage(Model):
        dedupe_key = CharField(max_length=255, unique=True)
        inbound = TextField()
        queued_at = DateTimeField(index=True)
        requeued = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "deferred_message"

    db.create_tables([DeferredMessage])
