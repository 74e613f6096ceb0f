# The check-in asks about each open rectification (Conversation.rectification), and 撤销 takes back
# the org's last move on one (Conversation.undo_rectification).
from peewee import AutoField, ForeignKeyField, Model


def up(migrator, db):
    class Rectification(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "rectification"

    class RectificationEvent(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "rectification_event"

    migrator.migrate(
        migrator.add_column("conversation", "rectification_id",
                            ForeignKeyField(Rectification, field=Rectification.id, null=True, on_delete="SET NULL")),
        migrator.add_column("conversation", "undo_rectification_id",
                            ForeignKeyField(RectificationEvent, field=RectificationEvent.id, null=True,
                                            on_delete="SET NULL")),
    )
