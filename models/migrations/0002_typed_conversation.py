# The conversation's saved state as columns instead of a JSON bag (step details were in `data`).
import json

from peewee import AutoField, CharField, ForeignKeyField, Model, TextField


def up(migrator, db):
    class Feedback(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "feedback"

    migrator.migrate(
        migrator.add_column("conversation", "return_to", CharField(max_length=16, null=True)),
        migrator.add_column("conversation", "feedback_kind", CharField(max_length=16, null=True)),
        migrator.add_column("conversation", "pending_status", CharField(max_length=16, null=True)),
        migrator.add_column("conversation", "feedback_id",
                            ForeignKeyField(Feedback, field=Feedback.id, null=True, on_delete="SET NULL")),
        migrator.add_column("conversation", "skipped", TextField(default="[]")),
    )
    update = ("UPDATE conversation SET return_to = ?, feedback_kind = ?, pending_status = ?, feedback_id = ?, "
              "skipped = ? WHERE id = ?").replace("?", db.param)
    for conversation_id, step, data in db.execute_sql("SELECT id, step, data FROM conversation").fetchall():
        details = json.loads(data or "{}")
        pending = details.get("status") or ("not_applicable" if step == "reason" else None)
        db.execute_sql(update, (details.get("return_to"), details.get("kind"), pending, details.get("feedback"),
                                json.dumps(details.get("skipped", [])), conversation_id))
    migrator.migrate(migrator.drop_column("conversation", "data"))
