# 优秀月报分享: a report, or one highlight of it, shared with other orgs' secretaries (models.shares).
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Report(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "report"

    class Feedback(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "feedback"

    class Share(Model):
        report = ForeignKeyField(Report, backref="shares", on_delete="CASCADE")
        feedback = ForeignKeyField(Feedback, null=True, on_delete="CASCADE")
        anonymous = BooleanField(default=False)
        audience = CharField(max_length=8, default="type")
        by = CharField(max_length=64)
        at = DateTimeField()
        withdrawn_by = CharField(max_length=64, default="")
        withdrawn_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "share"

    db.create_tables([Share])
