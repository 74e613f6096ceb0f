# Generated from a schema diff on 2026-11-21 14:38.
from peewee import *

from models.fields import ListField


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
        excludes = ListField(default=list)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'action'
    db.create_tables([Action])

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

    class Department(Model):
        name = CharField(unique=True, max_length=64)
        class Meta:
            database = db
            table_name = 'department'
    db.create_tables([Department])

    class Person(Model):
        userid = CharField(unique=True, max_length=64)
        name = CharField(max_length=64)
        roles = ListField(default=list)
        org = ForeignKeyField(Org, null=True, on_delete='SET NULL')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        area = CharField(max_length=64, default='')
        class Meta:
            database = db
            table_name = 'person'
    db.create_tables([Person])

    class Report(Model):
        org = ForeignKeyField(Org, on_delete='CASCADE')
        period = CharField(index=True, max_length=7)
        status = CharField(max_length=16, default='open')
        submitted_at = DateTimeField(null=True)
        submitted_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        late = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'report'
            indexes = ((('org', 'period'), True),)
    db.create_tables([Report])

    class Conversation(Model):
        person = ForeignKeyField(Person, on_delete='CASCADE')
        report = ForeignKeyField(Report, on_delete='CASCADE')
        step = CharField(max_length=16, default='item')
        position = IntegerField(default=1)
        last_answered = IntegerField(null=True)
        paused = BooleanField(default=False)
        data = TextField(default='{}')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'conversation'
            indexes = ((('person', 'report'), True),)
    db.create_tables([Conversation])

    class Task(Model):
        period = CharField(index=True, max_length=7)
        code = CharField(max_length=32)
        title = CharField(max_length=128)
        details = TextField(default='')
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        due_date = DateField(null=True)
        applies_to = ListField(default=list)
        excludes = ListField(default=list)
        class Meta:
            database = db
            table_name = 'task'
            indexes = ((('period', 'code'), True),)
    db.create_tables([Task])

    class Entry(Model):
        report = ForeignKeyField(Report, on_delete='CASCADE')
        position = IntegerField()
        action = ForeignKeyField(Action, null=True, on_delete='SET NULL')
        task = ForeignKeyField(Task, null=True, on_delete='SET NULL')
        carried_over = BooleanField(default=False)
        prior_amount = IntegerField(null=True)
        status = CharField(null=True, max_length=16)
        amount = IntegerField(null=True)
        note = TextField(default='')
        reason = TextField(default='')
        answered_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        answered_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'entry'
            indexes = ((('report', 'position'), True),)
    db.create_tables([Entry])

    class EntryChange(Model):
        entry = ForeignKeyField(Entry, on_delete='CASCADE')
        status = CharField(null=True, max_length=16)
        amount = IntegerField(null=True)
        note = TextField(default='')
        reason = TextField(default='')
        changed_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        changed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'entry_change'
    db.create_tables([EntryChange])

    class Evidence(Model):
        entry = ForeignKeyField(Entry, on_delete='CASCADE')
        media_id = CharField()
        created_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evidence'
    db.create_tables([Evidence])

    class Feedback(Model):
        report = ForeignKeyField(Report, on_delete='CASCADE')
        kind = CharField(max_length=16)
        text = TextField()
        department = ForeignKeyField(Department, null=True, on_delete='SET NULL')
        created_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'feedback'
    db.create_tables([Feedback])

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


def down(migrator, db):
    migrator.migrate(migrator.drop_table('period'))
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('inbound_message'))
    migrator.migrate(migrator.drop_table('feedback'))
    migrator.migrate(migrator.drop_table('evidence'))
    migrator.migrate(migrator.drop_table('entry_change'))
    migrator.migrate(migrator.drop_table('entry'))
    migrator.migrate(migrator.drop_table('task'))
    migrator.migrate(migrator.drop_table('conversation'))
    migrator.migrate(migrator.drop_table('report'))
    migrator.migrate(migrator.drop_table('person'))
    migrator.migrate(migrator.drop_table('department'))
    migrator.migrate(migrator.drop_table('org'))
    migrator.migrate(migrator.drop_table('action'))
