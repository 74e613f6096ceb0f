"""Small portable field types (the same SQL on SQLite and PostgreSQL)."""
from __future__ import annotations

import json

from peewee import TextField


class ListField(TextField):
    """A list of strings or numbers, stored as JSON text."""

    def db_value(self, value):
        return json.dumps(list(value or []), ensure_ascii=False)

    def python_value(self, value):
        return json.loads(value) if value else []
