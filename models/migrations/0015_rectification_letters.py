# 整改清单's letters: 提醒函, 催告函, 督办函, each at most once per rectification (models.rectifications).
from peewee import AutoField, CharField, DateField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Rectification(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "rectification"

    class RectificationLetter(Model):
        rectification = ForeignKeyField(Rectification, backref="letters", on_delete="CASCADE")
        kind = CharField(max_length=16)
        due_on = DateField()
        sent_at = DateTimeField()

        class Meta:
            database = db
            table_name = "rectification_letter"
            indexes = ((("rectification", "kind"), True),)

    db.create_tables([RectificationLetter])
