"""Stores the service tests share: the hand-made breach case and the demo seller."""

from __future__ import annotations

import pytest
from tests import state_cases as cases

from sellerhealth.store.store import Store


@pytest.fixture
def breach(tmp_path):
    with cases.store_with(tmp_path / "s.db", cases.write_breach_case(tmp_path / "in")) as store:
        yield store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db, as_of = cases.demo_store(tmp_path_factory.mktemp("demo"))
    with Store.open(db) as store:
        yield store, as_of
