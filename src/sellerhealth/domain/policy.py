"""The policy: every window, lag, target and rule switch, as typed data.

A policy file is TOML in which every setting is a small table naming its value and the section
of reference/amazon-policy.md it comes from:

    [odr.window_days]
    value = 60
    source = "1.6"

The typed `Policy` below is the schema: each dataclass is a TOML table, each field one setting.
`policy_from_dict` reads a parsed file against it and reports every problem at once, so a
broken file is fixed in one pass rather than one error at a time.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, fields
from typing import Any, get_args, get_origin

from sellerhealth.errors import PolicyError


@dataclass(frozen=True)
class OdrPolicy:
    window_days: int
    lag_days: int
    target: float
    target_business: float


@dataclass(frozen=True)
class FeedbackPolicy:
    negative_max_rating: int
    neutral_rating: int
    removal_request_days: int
    act_now_days: int


@dataclass(frozen=True)
class ClaimsPolicy:
    counted_statuses: tuple[str, ...]
    count_pending: bool
    buy_shipping_protection: bool
    delivery_reason_keywords: tuple[str, ...]


@dataclass(frozen=True)
class ChargebacksPolicy:
    counted_reasons: tuple[str, ...]
    count_won: bool


@dataclass(frozen=True)
class LateShipmentPolicy:
    windows_days: tuple[int, ...]
    target: float
    target_business: float


@dataclass(frozen=True)
class CancellationPolicy:
    window_days: int
    target: float
    target_business: float
    counted_initiators: tuple[str, ...]


@dataclass(frozen=True)
class ValidTrackingPolicy:
    window_days: int
    lag_days: int
    target: float


@dataclass(frozen=True)
class OnTimeDeliveryPolicy:
    window_days: int
    lag_days: int
    target: float


@dataclass(frozen=True)
class ContactResponsePolicy:
    window_days: int
    response_hours: int
    target: float


@dataclass(frozen=True)
class PolicyCompliancePolicy:
    window_days: int
    target: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class AhrPolicy:
    window_days: int
    start: int
    maximum: int
    points_per_order_block: int
    order_block: int
    points_low: int
    points_medium: int
    points_high: int
    healthy_min: int
    at_risk_min: int


@dataclass(frozen=True)
class Meta:
    name: str
    version: str
    marketplace: str
    description: str


@dataclass(frozen=True)
class Policy:
    meta: Meta
    odr: OdrPolicy
    feedback: FeedbackPolicy
    claims: ClaimsPolicy
    chargebacks: ChargebacksPolicy
    late_shipment: LateShipmentPolicy
    cancellation: CancellationPolicy
    valid_tracking: ValidTrackingPolicy
    on_time_delivery: OnTimeDeliveryPolicy
    contact_response: ContactResponsePolicy
    policy_compliance: PolicyCompliancePolicy
    ahr: AhrPolicy
    sources: dict[str, str] = dataclasses.field(default_factory=dict, compare=False)

    def odr_target(self, is_business: bool) -> float:
        return self.odr.target_business if is_business else self.odr.target


def policy_from_dict(raw: dict[str, Any], origin: str = "<policy>") -> Policy:
    """Build a Policy from a parsed policy file, or raise PolicyError listing every problem."""
    problems: list[str] = []
    sources: dict[str, str] = {}
    values: dict[str, Any] = {}
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
    kwargs = {}
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
    return cls(**kwargs)


def _resolve(annotation: Any) -> Any:
    """Turn the string annotations of `from __future__ import annotations` into types."""
    if isinstance(annotation, str):
        return eval(annotation, vars(typing) | globals())  # noqa: S307 - our own annotations
    return annotation


def _convert(value: Any, expected: Any) -> tuple[Any, str | None]:
    """Check one value against its annotation; return it (lists become tuples) or a problem."""
    if get_origin(expected) is tuple:
        item_type = get_args(expected)[0]
        if not isinstance(value, list):
            return value, f"expected a list of {item_type.__name__}, got {value!r}"
        bad = [v for v in value if not _is_a(v, item_type)]
        if bad:
            return value, f"expected a list of {item_type.__name__}, got {bad[0]!r} in it"
        return tuple(value), None
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
