# Departments raise next month's tasks: each waits for an admin's review (Task.status), and the liaison
# who raised it is told how it went. Tasks already stored were the admins' own: approved.
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("task", "status", CharField(max_length=16, default="approved")),
        migrator.add_column("task", "raised_by", CharField(max_length=64, default="")),
        migrator.add_column("task", "review_note", CharField(max_length=255, default="")),
    )
