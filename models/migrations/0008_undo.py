# What the check-in's 撤销 undoes: a person's last change in the chat (an answer or note, or a part-three entry).
from peewee import AutoField, ForeignKeyField, Model


def up(migrator, db):
    class EntryChange(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "entry_change"

    class Feedback(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "feedback"

    migrator.migrate(
        migrator.add_column("conversation", "undo_change_id",
                            ForeignKeyField(EntryChange, field=EntryChange.id, null=True, on_delete="SET NULL")),
        migrator.add_column("conversation", "undo_feedback_id",
                            ForeignKeyField(Feedback, field=Feedback.id, null=True, on_delete="SET NULL")),
    )
