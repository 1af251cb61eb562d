"""The API fuzzed from its own OpenAPI schema (schemathesis): whatever the parameters and
bodies, as an analyst of one tenant, no answer is a server error."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from sellerhealth.web import create_app

from .conftest import NORTH, build_tenants

EXAMPLES = 3  # per operation: the suite's time budget is small


def test_no_operation_answers_a_server_error(tmp_path):
    db, tokens = build_tenants(tmp_path)
    app = create_app(str(db))
    headers = {"Authorization": f"Bearer {tokens[(NORTH, 'analyst')]}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        fuzz(operation, headers)


def fuzz(operation, headers):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def no_server_error(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (operation.label, response.text)

    no_server_error()
