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

# isort: split
# Registered after `states`, so that `appeal` keeps its place in `--help`.
from sellerhealth.cli import appeals

__all__ = [
    "access",
    "app",
    "appeals",
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
