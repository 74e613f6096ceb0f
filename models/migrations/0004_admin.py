# Admin commands: their audit; feedback answered by departments, and the liaison's reply being written.
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Person(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "person"

    class Feedback(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "feedback"

    migrator.migrate(
        migrator.add_column("feedback", "answer", TextField(default="")),
        migrator.add_column("feedback", "answered_by_id",
                            ForeignKeyField(Person, field=Person.id, null=True, on_delete="SET NULL")),
        migrator.add_column("feedback", "answered_at", DateTimeField(null=True)),
        migrator.add_column("feedback", "acknowledged_at", DateTimeField(null=True)),
    )

    class AuditEntry(Model):
        at = DateTimeField(index=True)
        userid = CharField(max_length=64, index=True)
        place = CharField(max_length=128)
        command = CharField(max_length=32)
        text = CharField(max_length=255)
        outcome = CharField(max_length=16)

        class Meta:
            database = db
            table_name = "audit_entry"

    class PendingReply(Model):
        person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
        feedback = ForeignKeyField(Feedback, on_delete="CASCADE")
        response_code = CharField(max_length=255, default="")
        started_at = DateTimeField()

        class Meta:
            database = db
            table_name = "pending_reply"

    db.create_tables([AuditEntry, PendingReply])
