"""The bad-input tests run the real command line in process, on both stores."""

from tests.cli.conftest import cli  # noqa: F401 (a fixture)
from tests.store.conftest import target  # noqa: F401 (a fixture)
