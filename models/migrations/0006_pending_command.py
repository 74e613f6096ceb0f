# Mass admin commands wait for their 确认 in the database (a 确认 may reach another process).
from peewee import CharField, DateTimeField, Model, TextField


def up(migrator, db):
    class PendingCommand(Model):
        userid = CharField(max_length=64)
        place = CharField(max_length=128)
        text = TextField()
        expires_at = DateTimeField()

        class Meta:
            database = db
            table_name = "pending_command"
            indexes = ((("userid", "place"), True),)

    db.create_tables([PendingCommand])
