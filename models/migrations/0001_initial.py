# Generated from a schema diff on 2026-11-21 14:25.
from peewee import *
from models.fields import ListField

# TODO: received_at: default <function now at 0x7f035dfb1620> must be added by hand
# TODO: created_at: default <function now at 0x7f035dfb1620> must be added by hand
# TODO: next_attempt_at: default <function now at 0x7f035dfb1620> must be added by hand

def up(migrator, db):
    class Action(Model):
        code = CharField(unique=True, max_length=32)
        category = CharField(max_length=32)
        title = CharField(max_length=128)
        requirement = TextField(default='')
        frequency = CharField(max_length=16)
        target = IntegerField(null=True)
        unit = CharField(max_length=16, default='')
        applies_to = ListField(default=list)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'action'
    db.create_tables([Action])

    class Department(Model):
        name = CharField(unique=True, max_length=64)
        class Meta:
            database = db
            table_name = 'department'
    db.create_tables([Department])

    class InboundMessage(Model):
        dedupe_key = CharField(unique=True)
        source = CharField(max_length=16)
        userid = CharField(index=True, max_length=64)
        received_at = DateTimeField()
        passive_reply = TextField(null=True)
        class Meta:
            database = db
            table_name = 'inbound_message'
    db.create_tables([InboundMessage])

    class Org(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=128)
        type = CharField(max_length=32)
        size_class = CharField(max_length=16, default='党委')
        tags = ListField(default=list)
        area = CharField(max_length=64, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'org'
    db.create_tables([Org])

    class OutboxMessage(Model):
        key = CharField(unique=True, max_length=191)
        channel = CharField(max_length=16)
        recipient = CharField(index=True, max_length=512)
        kind = CharField(max_length=32)
        payload = TextField()
        status = CharField(index=True, max_length=16, default='pending')
        attempts = IntegerField(default=0)
        last_errcode = IntegerField(null=True)
        last_error = CharField(null=True)
        response_code = CharField(null=True)
        created_at = DateTimeField()
        next_attempt_at = DateTimeField(index=True)
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'outbox_message'
    db.create_tables([OutboxMessage])

    class Period(Model):
        key = CharField(unique=True, max_length=7)
        status = CharField(max_length=16, default='draft')
        publish_on = DateField(null=True)
        remind_on = DateField(null=True)
        close_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'period'
    db.create_tables([Period])

    class Person(Model):
        userid = CharField(unique=True, max_length=64)
        name = CharField(max_length=64)
        roles = ListField(default=list)
        org = ForeignKeyField(Org, null=True, on_delete='SET NULL')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'person'
    db.create_tables([Person])

    class Task(Model):
        period = CharField(index=True, max_length=7)
        code = CharField(max_length=32)
        title = CharField(max_length=128)
        details = TextField(default='')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        due_date = DateField(null=True)
        applies_to = ListField(default=list)
        class Meta:
            database = db
            table_name = 'task'
            indexes = ((('period', 'code'), True),)
    db.create_tables([Task])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('task'))
    migrator.migrate(migrator.drop_table('person'))
    migrator.migrate(migrator.drop_table('period'))
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('org'))
    migrator.migrate(migrator.drop_table('inbound_message'))
    migrator.migrate(migrator.drop_table('department'))
    migrator.migrate(migrator.drop_table('action'))
