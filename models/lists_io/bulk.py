"""Insert-or-update many rows by a natural key with a handful of statements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from peewee import Case, PostgresqlDatabase, chunked

from models.db import database

# Rows per statement: well under SQLite's 32,766 bound parameters for our widest table.
BATCH_SIZE = 500

# PostgreSQL types a CASE branch parameter as text; these columns need the type spelled out.
POSTGRES_CASTS = {"INT": "INTEGER", "DATE": "DATE", "BOOL": "BOOLEAN"}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        return f"新增 {self.created},更新 {self.updated},未变 {self.unchanged}"


def upsert(model, key: Callable[[dict], object], records: list[dict], existing: dict,
           advance: Callable[[int], None] = lambda n: None) -> Counts:
    """Insert the records whose key is not in `existing` (key → instance), update the others
    where a value differs. Records map field names to values (a foreign key to its id)."""
    counts = Counts()
    new, changed, changed_fields = [], [], set()
    for record in records:
        instance = existing.get(key(record))
        if instance is None:
            new.append(record)
            continue
        differing = {name for name, value in record.items() if instance.__data__.get(name) != value}
        if not differing:
            counts.unchanged += 1
            continue
        for name in differing:
            setattr(instance, name, record[name])
        changed.append(instance)
        changed_fields |= differing
    advance(counts.unchanged)
    for batch in chunked(new, BATCH_SIZE):
        model.insert_many(batch).execute()
        advance(len(batch))
    for batch in chunked(changed, BATCH_SIZE):
        _bulk_update(model, batch, sorted(changed_fields))
        advance(len(batch))
    counts.created, counts.updated = len(new), len(changed)
    return counts


def _bulk_update(model, instances: list, names: list[str]) -> None:
    """UPDATE … SET column = CASE id WHEN … THEN value … END for a batch of instances."""
    key = model._meta.primary_key
    typed = isinstance(database.obj, PostgresqlDatabase)
    update = {}
    for name in names:
        field = model._meta.fields[name]
        cast = POSTGRES_CASTS.get(field.field_type) if typed else None
        branches = []
        for instance in instances:
            value = field.to_value(instance.__data__.get(name))
            branches.append((instance.id, value.cast(cast) if cast else value))
        update[field] = Case(key, branches)
    model.update(update).where(key.in_([instance.id for instance in instances])).execute()
