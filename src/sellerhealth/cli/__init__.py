"""The command line: parse arguments, call `service`, print. Nothing else lives here.

Each module registers its commands on the one Typer app in `common`.
"""

from sellerhealth.cli import (
    access,
    counters,
    data,
    forecasts,
    health,
    metrics,
    settings,
    states,
    sync,
    web,
)
from sellerhealth.cli.common import app, main

__all__ = [
    "access",
    "app",
    "counters",
    "data",
    "forecasts",
    "health",
    "main",
    "metrics",
    "settings",
    "states",
    "sync",
    "web",
]
