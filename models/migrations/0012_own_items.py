# 个性指标: an organisation's own items, proposed by it and approved by the office (models.own_items).
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Org(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "org"

    class Person(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "person"

    class Action(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "action"

    class OwnItem(Model):
        org = ForeignKeyField(Org, backref="own_items", on_delete="CASCADE")
        title = CharField(max_length=128)
        category = CharField(max_length=32)
        frequency = CharField(max_length=16)
        target = IntegerField(null=True)
        unit = CharField(max_length=16, default="")
        why = TextField(default="")
        status = CharField(max_length=16, default="proposed")
        proposed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        proposed_at = DateTimeField()
        reviewed_by = CharField(max_length=64, default="")
        reviewed_at = DateTimeField(null=True)
        answer = TextField(default="")
        action = ForeignKeyField(Action, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "own_item"

    migrator.migrate(
        migrator.add_column("action", "org_id",
                            ForeignKeyField(Org, field=Org.id, null=True, on_delete="CASCADE")),
    )
    db.create_tables([OwnItem])
