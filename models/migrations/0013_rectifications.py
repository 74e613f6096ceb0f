# 整改清单: rectifications and the history of their moves (models.rectifications).
from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, Model, TextField

from models.fields import ListField


def up(migrator, db):
    class Org(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "org"

    class Rectification(Model):
        code = CharField(max_length=32, unique=True)
        org = ForeignKeyField(Org, backref="rectifications", on_delete="CASCADE")
        source = CharField(max_length=16)
        problem = TextField()
        measures = TextField(default="")
        responsible = CharField(max_length=64, default="")
        found_on = DateField()
        deadline = DateField()
        state = CharField(max_length=16, default="open")
        closed_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "rectification"

    class RectificationEvent(Model):
        rectification = ForeignKeyField(Rectification, backref="events", on_delete="CASCADE")
        move = CharField(max_length=16)
        before = CharField(max_length=16, default="")
        after = CharField(max_length=16)
        by = CharField(max_length=64)
        at = DateTimeField()
        text = TextField(default="")
        media_ids = ListField(default=list)

        class Meta:
            database = db
            table_name = "rectification_event"

    db.create_tables([Rectification, RectificationEvent])
