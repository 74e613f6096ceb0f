# A logout ends the page sessions it names on the server too (models.sessions).
from peewee import CharField, IntegerField, Model


def up(migrator, db):
    class SignIn(Model):
        userid = CharField(max_length=64, unique=True)
        generation = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "sign_in"

    db.create_tables([SignIn])
