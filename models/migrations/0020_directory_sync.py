# The WeCom directory sync (models.directory_sync): an org's WeCom department, and people who left
# WeCom kept inactive rather than deleted.
from peewee import BooleanField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("org", "wecom_department", IntegerField(null=True)),
        migrator.add_column("person", "active", BooleanField(default=True)),
        migrator.add_column("person", "in_wecom", BooleanField(default=False)),
    )
