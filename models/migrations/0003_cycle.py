# The monthly cycle: each report's own deadline, the steps as they ran, and the figures of a closed month.
from peewee import CharField, DateField, DateTimeField, Model, TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("report", "deadline", DateField(null=True)))

    class CycleStep(Model):
        period = CharField(max_length=7)
        step = CharField(max_length=16)
        org_type = CharField(max_length=32, default="")
        due_at = DateTimeField(null=True)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        ran_by = CharField(max_length=64)
        status = CharField(max_length=16)
        note = CharField(max_length=255, default="")
        counts = TextField(default="{}")

        class Meta:
            database = db
            table_name = "cycle_step"
            indexes = ((("period", "step", "org_type"), True),)

    class PeriodSnapshot(Model):
        period = CharField(max_length=7, unique=True)
        taken_at = DateTimeField()
        figures = TextField()

        class Meta:
            database = db
            table_name = "period_snapshot"

    db.create_tables([CycleStep, PeriodSnapshot])
