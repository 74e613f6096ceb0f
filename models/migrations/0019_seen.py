# 已查看: each person's first sign of having seen a month (models.seen), and the check-in's note that
# its person's sign is recorded already (Conversation.seen: no query per message once it is).
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Person(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "person"

    class Seen(Model):
        person = ForeignKeyField(Person, backref="seen", on_delete="CASCADE")
        period = CharField(max_length=7)
        first_at = DateTimeField()
        how = CharField(max_length=8)

        class Meta:
            database = db
            table_name = "seen"
            indexes = ((("person", "period"), True),)

    db.create_tables([Seen])
    migrator.migrate(migrator.add_column("conversation", "seen", BooleanField(default=False)))
