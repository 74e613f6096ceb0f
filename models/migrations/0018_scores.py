# 考评指标 and the office's marks and corrections on it (models.indicators; models.scores computes);
# an index that answers the count of each report's items done and applicable from the index alone
# (models.stats.item_counts: a year's scores and 统计 read 3 M entries for 5,000 organisations).
from peewee import AutoField, CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model, TextField

from models.fields import ListField


def up(migrator, db):
    class Org(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "org"

    class Indicator(Model):
        code = CharField(max_length=32, unique=True)
        parent = CharField(max_length=32, null=True)
        name = CharField(max_length=64)
        points = FloatField()
        cycle = CharField(max_length=16, default="")
        computation = CharField(max_length=32, default="")
        params = CharField(max_length=128, default="")
        applies_to = ListField(default=list)
        position = IntegerField()

        class Meta:
            database = db
            table_name = "indicator"

    class ScoreMark(Model):
        org = ForeignKeyField(Org, on_delete="CASCADE")
        period = CharField(max_length=7)
        indicator = CharField(max_length=32)
        value = FloatField()
        reason = TextField(default="")
        by = CharField(max_length=64)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "score_mark"
            indexes = ((("org", "period", "indicator"), True),)

    class ScoreCorrection(Model):
        org = ForeignKeyField(Org, on_delete="CASCADE")
        period = CharField(max_length=7, index=True)
        delta = FloatField()
        reason = TextField()
        by = CharField(max_length=64)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "score_correction"

    db.create_tables([Indicator, ScoreMark, ScoreCorrection])
    migrator.migrate(migrator.add_index("entry", ("report_id", "status", "task_id")))
