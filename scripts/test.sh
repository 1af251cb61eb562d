#!/usr/bin/env bash
# Everything `make test` runs: lint, then the whole suite with a real PostgreSQL server.
set -euo pipefail
BIN=.venv/bin
"$BIN/ruff" check src tests bench
"$BIN/ruff" format --check src tests bench
"$BIN/mypy"
SELLERHEALTH_TEST_PG="$(scripts/postgres.sh start)"
export SELLERHEALTH_TEST_PG
trap 'scripts/postgres.sh stop' EXIT
# Two workers: CI has two cores, and the suite is mostly CPU-bound DuckDB and subprocesses.
"$BIN/pytest" -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
