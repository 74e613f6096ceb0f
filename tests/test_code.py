"""Rules of the code base that a reader cannot check at a glance: one clock, no private names of
the libraries, dependencies pointing one way, and the linter."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["app.py", "settings", "bot", "pages", "handlers", "models", "jobs", "cli", "stack"]
EVERYTHING = PRODUCT + ["standin", "bench", "tests"]

# Reading the wall clock is the Clock's job. Exceptions, each with its reason:
CLOCK_READERS = {
    "models/clock.py": "the clock itself",
    "bot/pacing.py": "WeCom's per-minute limit is real time, counted in Redis by every process",
    "bot/crypto.py": "the replay window: WeCom stamps its callbacks with real time",
}
WALL_CLOCK = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time|time\.time_ns)\(")

# Underscore names of libraries that their documentation names as public.
DOCUMENTED = {
    "_meta": "peewee documents Model._meta (fields, table name, primary key)",
}


def python_files(parts: list[str]) -> list[Path]:
    files = []
    for part in parts:
        path = ROOT / part
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_only_the_clock_reads_the_wall_clock():
    stray = [f"{relative(path)}:{number}: {line.strip()}"
             for path in python_files(PRODUCT) if relative(path) not in CLOCK_READERS
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if WALL_CLOCK.search(line)]
    assert stray == []


def defined(node: ast.AST) -> str | None:
    """The name a node defines in our own code (function, class, attribute, variable, argument, import)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Store):
        return node.id if isinstance(node, ast.Name) else node.attr
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, ast.alias):
        return node.asname or node.name
    return None


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DOCUMENTED


def test_no_private_name_of_a_library_is_used():
    """No `x._name` that our own code does not define, and no `from library import _name`."""
    own_modules = {part.removesuffix(".py") for part in EVERYTHING}
    ours, attributes, imported = set(), [], []
    for path in python_files(EVERYTHING):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            ours.add(defined(node))
            if isinstance(node, ast.Attribute) and private(node.attr):
                attributes.append((node.attr, f"{relative(path)}:{node.lineno}: .{node.attr}"))
            elif (isinstance(node, ast.ImportFrom) and node.module
                  and node.module.split(".")[0] not in own_modules):
                imported += [f"{relative(path)}:{node.lineno}: {node.module}.{alias.name}"
                             for alias in node.names if private(alias.name)]
    assert [where for name, where in attributes if name not in ours] + imported == []


@pytest.mark.parametrize("layer", ["handlers", "models"])
def test_the_core_imports_no_web_wecom_or_queue_library(layer):
    banned = {"flask", "wechatpy", "rq", "redis", "werkzeug", "bot", "pages", "jobs", "cli", "app"}
    found = []
    for path in python_files([layer]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            found += [f"{relative(path)}: {name}" for name in names if name.split(".")[0] in banned]
    assert found == []


@pytest.mark.slow
def test_the_linter_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
