"""The dashboard's templates and the filters they format figures with. Presentation only:
every figure comes from `service`, computed once, as the API returns it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sellerhealth.domain.history import MetricRow
from sellerhealth.domain.states import assessment
from sellerhealth.vocabulary import CONDITION_SIGNS, held, humanize, pct
from sellerhealth.vocabulary import metric_label as vocabulary_label

TEMPLATES = Path(__file__).parent / "templates"

# The first word of a state label ("UNDER_REVIEW (risk)") -> the CSS class of its colour.
STATE_CLASSES = {
    "HEALTHY": "good",
    "UNDER_REVIEW": "warn",
    "SUSPENDED": "bad",
    "DEACTIVATED": "bad",
}


def signed_pct(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value * 100:+.{digits}f}%"


def metric_label(row: MetricRow) -> str:
    return vocabulary_label(row.metric, row.scope)


def target(row: MetricRow) -> str:
    """The target as a condition: `< 1.00%` for a rate, `= 0` or `≥ 200` for a count."""
    sign = CONDITION_SIGNS.get(row.condition, row.condition)
    if row.denominator is None:
        return f"{sign} {row.target:g}"
    return f"{sign} {pct(row.target)}"


def count(row: MetricRow) -> str:
    return str(row.numerator) if row.denominator is None else f"{row.numerator} / {row.denominator}"


def state_class(label: str | None) -> str:
    return STATE_CLASSES.get((label or "").partition(" ")[0], "")


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pct=pct,
        signed_pct=signed_pct,
        humanize=humanize,
        metric_label=metric_label,
        target=target,
        count=count,
        state_class=state_class,
        yes_no=yes_no,
        assessment=assessment,
        held=held,
    )
    return env


def render(name: str, **context: Any) -> str:
    """The template `name` rendered with `context`."""
    return environment().get_template(name).render(**context)
