# SMS (issue 23): a person's mobile number (from the people import's 手机 or the directory sync) and
# whether they take SMS (短信 = 否, or 不要短信 in the chat, opts out).
from peewee import BooleanField, CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("person", "mobile", CharField(max_length=16, null=True)),
        migrator.add_column("person", "sms", BooleanField(default=True)),
    )
