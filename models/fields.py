"""Small portable field types (the same SQL on SQLite and PostgreSQL), and what typed text keeps."""
from __future__ import annotations

import json
import re

from peewee import TextField

# What no keyboard types, removed from every text a person sends or a form posts before it is stored:
# control characters but tab and newlines, and lone surrogates (JSON can carry them, XML cannot,
# PostgreSQL refuses a NUL); and the invisible ones that change how text around them reads: zero-width
# spaces and joiners, bidirectional marks, overrides and isolates (U+202E shows "exe.txt" for
# "txt.exe"), word joiners and the byte-order mark.
UNTYPABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff"
                       r"\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def typed(text: str) -> str:
    """`text` without the characters no keyboard types, and without surrounding space."""
    return UNTYPABLE.sub("", text).strip()


class ListField(TextField):
    """A list of strings or numbers, stored as JSON text."""

    def db_value(self, value):
        return json.dumps(list(value or []), ensure_ascii=False)

    def python_value(self, value):
        return json.loads(value) if value else []
