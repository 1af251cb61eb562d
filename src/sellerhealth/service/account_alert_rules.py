"""Alert rules kept on an account (edited through the server's API and dashboard), checked
and read with the alerts config's own parser (`domain.alert_config.parse_alert_config`), so a
rule kept here takes exactly the keys and values a `[[rules]]` entry of the file takes.

A kept rule is its account's alone: `accounts` is not one of its keys. `watch` evaluates the
config file's rules and the account's kept ones together (`rules_for`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sellerhealth.domain.alert_config import RULE_TYPES, AlertConfigError, parse_alert_config
from sellerhealth.domain.alert_rules import Rule
from sellerhealth.errors import InputError
from sellerhealth.store import account_alert_rules as kept
from sellerhealth.store.store import Store

# A rule's name is part of its alerts' cause keys and of the dashboard's addresses.
RULE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SHARED_KEYS = ("name", "severity")  # the keys every rule type has besides `type`
# The parser names a problem `rules[0] (TYPE).KEY: ...`; the caller sent one rule, not a file.
_PARSER_PLACE = re.compile(r"^rules\[0\](?: \([^)]*\))?[.:]\s*")


class RuleRefused(InputError):
    """A rule the alerts config's parser does not take; the message names every field."""


def checked_rule(name: str, table: Mapping[str, Any]) -> dict[str, Any]:
    """`table` (a `type` and its settings) as the rule `name`, once the config file's parser
    takes it; RuleRefused naming each field and its problem otherwise."""
    problems = []
    if not re.match(RULE_NAME_PATTERN, name):
        problems.append("name: at most 64 letters, digits, '.', '_' or '-', starting with no sign")
    if table.get("name", name) != name:
        problems.append(f"name: {table['name']!r} differs from the rule's name {name!r}")
    if "accounts" in table:
        problems.append("accounts: a rule kept on an account is that account's alone; leave it out")
    rule = {**table, "name": name}
    try:
        parse_alert_config({"rules": [rule]})
    except AlertConfigError as error:
        problems += [_PARSER_PLACE.sub("", problem) for problem in error.problems]
    if problems:
        raise RuleRefused(f"alert rule {name!r} refused: {'; '.join(problems)}")
    return rule


def table_from_toml(name: str, kind: str, settings: str) -> dict[str, Any]:
    """The rule table a dashboard form gives (for `checked_rule`): its type, and its settings
    as the TOML lines of a `[[rules]]` entry (`at_most = 2`)."""
    try:
        values = tomllib.loads(settings)
    except tomllib.TOMLDecodeError as problem:
        raise RuleRefused(
            f"alert rule {name!r} refused: settings: not valid TOML: {problem}"
        ) from None
    return {**values, "type": kind}


def settings_toml(table: Mapping[str, Any]) -> str:
    """A kept rule's settings (all but `type` and `name`) as TOML lines, for the form."""
    return "".join(
        f"{key} = {_toml_value(value)}\n"
        for key, value in table.items()
        if key not in ("type", "name")
    )


def _toml_value(value: Any) -> str:
    # A kept rule holds only what the parser takes: strings, numbers, booleans, string lists.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)  # a JSON string or number is a TOML one


def rule_settings() -> dict[str, list[tuple[str, str]]]:
    """Each rule type -> its own settings with their defaults (`required` when none), for the
    form's help."""
    found = {}
    for kind, cls in RULE_TYPES.items():
        found[kind] = [
            (f.name, "required" if f.default is dataclasses.MISSING else _default(f.default))
            for f in dataclasses.fields(cls)
            if f.name not in ("name", "accounts")
        ]
    return found


def _default(value: Any) -> str:
    return _toml_value(list(value) if isinstance(value, tuple) else value)


def rule_tables(store: Store, account: str) -> list[dict[str, Any]]:
    return kept.rule_tables(store.backend, account)


def save_rule(store: Store, account: str, rule: dict[str, Any], by: str, at: datetime) -> None:
    """Keep a rule `checked_rule` made (it replaces the account's rule of that name)."""
    kept.save_rule(store.backend, account, rule, by, at)


def remove_rule(store: Store, account: str, name: str) -> bool:
    return kept.remove_rule(store.backend, account, name)


def rules_for(store: Store, account: str) -> tuple[Rule, ...]:
    """The account's kept rules, parsed by the config file's parser, applying to it alone."""
    tables = [{**table, "accounts": [account]} for table in rule_tables(store, account)]
    if not tables:
        return ()
    try:
        return parse_alert_config({"rules": tables}).rules
    except AlertConfigError as error:  # kept by an older version that took other keys
        raise InputError(
            f"account {account}: its kept alert rules: {'; '.join(error.problems)}; "
            "fix them on the account's alert rules page"
        ) from None
