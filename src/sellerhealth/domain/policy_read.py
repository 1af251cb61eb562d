"""Reading a parsed policy file against the typed schema of `domain.policy`.

`policy_from_dict` checks every table and setting and reports every problem at once, so a
broken file is fixed in one pass rather than one error at a time.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import fields
from typing import Any, get_args, get_origin

from sellerhealth.domain import policy as schema
from sellerhealth.domain.policy import Meta, Policy
from sellerhealth.errors import PolicyError


def policy_from_dict(raw: dict[str, Any], origin: str = "<policy>") -> Policy:
    """Build a Policy from a parsed policy file, or raise PolicyError listing every problem."""
    problems: list[str] = []
    sources: dict[str, str] = {}
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Policy)} - {"sources"}
    for name in raw:
        # `decisions` documents the project's readings of SPEC where it is ambiguous.
        if name not in known and name != "decisions":
            problems.append(f"[{name}]: unknown table (known: {', '.join(sorted(known))})")
    for section in fields(Policy):
        if section.name == "sources":
            continue
        section_type = _resolve(section.type)
        table = raw.get(section.name)
        if not isinstance(table, dict):
            problems.append(f"[{section.name}]: missing table")
            continue
        if section.name == "meta":
            values["meta"] = _read_meta(table, problems)
            continue
        values[section.name] = _read_section(section.name, section_type, table, problems, sources)
    if problems:
        raise PolicyError(origin, problems)
    return Policy(**values, sources=sources)


def _read_meta(table: dict[str, Any], problems: list[str]) -> Meta | None:
    kwargs: dict[str, Any] = {}
    for f in fields(Meta):
        value = table.get(f.name)
        if not isinstance(value, str):
            problems.append(f"meta.{f.name}: expected a string")
        kwargs[f.name] = value
    return Meta(**kwargs)


def _read_section(
    name: str,
    cls: type,
    table: dict[str, Any],
    problems: list[str],
    sources: dict[str, str],
) -> Any:
    kwargs = {}
    known = {f.name for f in fields(cls)}
    for key in table:
        if key not in known:
            problems.append(f"{name}.{key}: unknown setting (known: {', '.join(sorted(known))})")
    for f in fields(cls):
        path = f"{name}.{f.name}"
        entry = table.get(f.name)
        if not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"{path}: missing; write it as a table with `value` and `source`")
            continue
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{path}: no `source` citing a section of amazon-policy.md")
        else:
            sources[path] = source
        converted, problem = _convert(entry["value"], _resolve(f.type))
        if problem:
            problems.append(f"{path}: {problem}")
        kwargs[f.name] = converted
    # A section with a missing setting cannot be built; its problems are already listed.
    return cls(**kwargs) if len(kwargs) == len(fields(cls)) else None


def _resolve(annotation: Any) -> Any:
    """Turn the string annotations of `from __future__ import annotations` into types."""
    if isinstance(annotation, str):
        return eval(annotation, vars(typing) | vars(schema))
    return annotation


def _convert(value: Any, expected: Any) -> tuple[Any, str | None]:
    """Check one value against its annotation; return it (lists become tuples) or a problem."""
    if get_origin(expected) is tuple:
        item_type = get_args(expected)[0]
        if isinstance(item_type, type) and dataclasses.is_dataclass(item_type):
            return _convert_tables(value, item_type)
        if not isinstance(value, list):
            return value, f"expected a list of {item_type.__name__}, got {value!r}"
        bad = [v for v in value if not _is_a(v, item_type)]
        if bad:
            return value, f"expected a list of {item_type.__name__}, got {bad[0]!r} in it"
        return tuple(value), None
    if get_origin(expected) is dict:
        if not isinstance(value, dict):
            return value, f"expected a table, got {value!r}"
        return {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}, None
    if isinstance(expected, types.UnionType):  # pragma: no cover - no optional settings yet
        expected = get_args(expected)[0]
    if not _is_a(value, expected):
        return value, f"expected {expected.__name__}, got {value!r}"
    if expected in (int, float) and value < 0:
        return value, f"must not be negative, got {value!r}"
    return (float(value) if expected is float else value), None


def _is_a(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _convert_tables(value: Any, cls: type) -> tuple[Any, str | None]:
    """A list of tables, each read into `cls`; every problem of every table is reported."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return value, f"expected a list of tables ({cls.__name__}), got {value!r}"
    items, problems = [], []
    for index, table in enumerate(value):
        item, item_problems = _read_table(cls, table)
        label = f"[{index}]" + (f" {table['name']}" if isinstance(table.get("name"), str) else "")
        problems += [f"{label}: {p}" for p in item_problems]
        items.append(item)
    return tuple(items), "; ".join(problems) or None


def _read_table(cls: type, table: dict[str, Any]) -> tuple[Any, list[str]]:
    """One table into the dataclass `cls`: a field's TOML key is its `key` metadata or its name;
    fields with a default are optional; `choices` metadata limits the values; a `check()`
    method adds checks across fields."""
    problems: list[str] = []
    by_key = {f.metadata.get("key", f.name): f for f in fields(cls)}
    problems += [f"{k}: unknown key (known: {', '.join(by_key)})" for k in table if k not in by_key]
    kwargs = {}
    for key, f in by_key.items():
        if key not in table:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{key}: missing")
            continue
        converted, problem = _convert(table[key], _resolve(f.type))
        allowed = f.metadata.get("choices")
        if problem is None and allowed:
            values = converted if isinstance(converted, tuple) else (converted,)
            bad = [v for v in values if v not in allowed]
            if bad:
                problem = f"{bad[0]!r} is not one of {', '.join(allowed)}"
        if problem:
            problems.append(f"{key}: {problem}")
        kwargs[f.name] = converted
    if problems:
        return None, problems
    item = cls(**kwargs)
    check = getattr(item, "check", None)
    return item, (check() if callable(check) else [])
