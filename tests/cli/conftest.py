"""The `cli` fixture: the real entry point, in process, with its exit status and output."""

from __future__ import annotations

import sys

import pytest

from sellerhealth.cli import main


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the real entry point: exit statuses and messages as a seller sees them."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["sellerhealth", *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run
