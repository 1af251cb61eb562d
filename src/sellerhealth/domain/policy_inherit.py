"""A regional policy file written as its differences from another: `inherits` and `[same]`.

Amazon's rules are mostly the same in every marketplace. A regional file names its base in
`[meta] inherits = "amazon-us-2026"`, writes the settings that differ (each with its source),
and says for every other setting that it is the same, with the source that says so:

    [same.late_shipment]
    source = "2.1"
    url = "https://sellercentral.amazon.co.uk/..."

`[same.X]` covers a whole section, `[same."X.y"]` one setting. An inherited setting that is
neither overridden nor declared the same is an error: a rule is never copied silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Tables that are about the file, not settings: never inherited as settings.
_FILE_TABLES = ("meta", "decisions", "same")


def inherit(
    child: Mapping[str, Any], base: Mapping[str, Any], base_name: str
) -> tuple[dict[str, Any], list[str]]:
    """`child` over `base`: the merged policy table and every problem with the inheritance."""
    same = child.get("same", {})
    problems: list[str] = []
    if not isinstance(same, dict):
        return dict(child), ["[same]: expected tables naming sections or settings"]
    merged: dict[str, Any] = {k: dict(v) for k, v in base.items() if k not in _FILE_TABLES}
    for section, table in child.items():
        if section in _FILE_TABLES:
            continue
        if not isinstance(table, dict):
            problems.append(f"[{section}]: expected a table")
            continue
        merged[section] = {**merged.get(section, {}), **table}
    meta = {k: v for k, v in child.get("meta", {}).items() if k != "inherits"}
    merged["meta"] = {**base.get("meta", {}), **meta}
    merged["decisions"] = {**base.get("decisions", {}), **child.get("decisions", {})}
    problems += _silent(child, base, same, base_name)
    problems += _bad_same(child, base, same, base_name)
    return merged, problems


def _silent(
    child: Mapping[str, Any], base: Mapping[str, Any], same: Mapping[str, Any], base_name: str
) -> list[str]:
    problems = []
    for section, table in base.items():
        if section in _FILE_TABLES or not isinstance(table, dict) or section in same:
            continue
        for setting in table:
            if setting in child.get(section, {}) or f"{section}.{setting}" in same:
                continue
            problems.append(
                f"{section}.{setting}: inherited from {base_name} without a word; override it, "
                f'or say it is the same under [same."{section}.{setting}"] (or [same.{section}]) '
                "with its source"
            )
    return problems


def _bad_same(
    child: Mapping[str, Any], base: Mapping[str, Any], same: Mapping[str, Any], base_name: str
) -> list[str]:
    problems = []
    for key, entry in same.items():
        section, _, setting = key.partition(".")
        known = isinstance(base.get(section), dict) and (not setting or setting in base[section])
        if section in _FILE_TABLES or not known:
            problems.append(f"same.{key}: {base_name} has no such section or setting")
        elif (setting in child.get(section, {})) if setting else section in child:
            problems.append(f"same.{key}: both overridden and declared the same")
        if not isinstance(entry, dict) or not str(entry.get("source", "")).strip():
            problems.append(f"same.{key}: no `source` saying where the rule is the same")
    return problems
