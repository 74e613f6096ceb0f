"""How a list is typed, wherever it is typed: a cell of an imported file (标签 学院，直属系), an admin
command's values (催办 XY01、XY02), a setting from the environment (YUEBAO_ADMINS_USERIDS=a,b).

A Chinese keyboard gives 、 and the full-width ， ；, an English one , and ; — and a cell may put each
value on a line of its own (Alt+Enter in Excel). Lists are written back with 、."""
from __future__ import annotations

import re

LIST_SEPARATORS = "、,，;；\n"
LIST_JOINER = "、"
_SEPARATOR = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")
_SEPARATOR_OR_SPACE = re.compile(rf"[{re.escape(LIST_SEPARATORS)}\s]")


def split_list(text: str) -> list[str]:
    """The values of a typed list, stripped, empty ones left out: a value may hold spaces (a name)."""
    return [part.strip() for part in _SEPARATOR.split(text) if part.strip()]


def split_words(text: str) -> list[str]:
    """The values of a list typed in a chat command, whose words spaces separate as well."""
    return [part for part in _SEPARATOR_OR_SPACE.split(text) if part]


def join_list(values) -> str:
    return LIST_JOINER.join(values)
