"""One local Spark session for the whole test session (it takes about 10 s to start)."""

from __future__ import annotations

import pytest

from sellerhealth.engine.spark_session import SparkEngine, start


@pytest.fixture(scope="session")
def spark():
    session = start(SparkEngine())
    yield session
    session.stop()
