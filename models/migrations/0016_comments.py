# 点评: the office's comments on an org's month, and what each edit replaced (models.comments).
from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Org(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "org"

    class Rectification(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "rectification"

    class Comment(Model):
        org = ForeignKeyField(Org, backref="comments", on_delete="CASCADE")
        period = CharField(max_length=7)
        position = IntegerField(null=True)
        kind = CharField(max_length=16)
        text = TextField()
        by = CharField(max_length=64)
        at = DateTimeField()
        updated_at = DateTimeField(null=True)
        withdrawn = BooleanField(default=False)
        rectification = ForeignKeyField(Rectification, null=True, on_delete="SET NULL", backref="comments")

        class Meta:
            database = db
            table_name = "comment"
            indexes = ((("org", "period", "kind"), False),)

    class CommentEdit(Model):
        comment = ForeignKeyField(Comment, backref="edits", on_delete="CASCADE")
        old_text = TextField()
        old_kind = CharField(max_length=16)
        by = CharField(max_length=64)
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "comment_edit"

    db.create_tables([Comment, CommentEdit])
