"""Property-based testing of /api/v1/ against its own OpenAPI schema, on a live server.

Schemathesis reads the schema the server serves (a test elsewhere holds it equal to the
committed docs/openapi.yaml), generates requests for every operation — valid ones and, in a
second pass, invalid ones — and sends them over HTTP as an API key with write scope. No answer
may be a 5xx, and every answer must be one the schema documents, with the documented content
type and body. Grievance ids point at a real grievance of the key's office, so the actions
reach the forms and services, not only the 404.

(Driven through Hypothesis directly: schemathesis's pytest plugin does not run on this pytest.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.keys import api_key_create
from api.models import ApiKeyScope
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, district_office

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20


@pytest.fixture
def api_world(live_server, settings):
    # Throttling would only turn later examples into (documented) 429s: test the API itself.
    settings.API_RATE_LIMITS = dict.fromkeys(("api-key", "api-user", "api-client"), (10**6, 60))
    settings.RATE_LIMITS = dict.fromkeys(("grievance-file", "access-key", "track"), (10**6, 60))
    office = district_office("DHA")
    gro = OfficeMembershipFactory(office=office, role=OfficeRole.GRO).user
    raw, _key = api_key_create(name="fuzz", owner=gro, scope=ApiKeyScope.WRITE, offices=[office])
    return {"url": live_server.url, "key": raw, "office": office}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_contract(api_world, mode):
    schema = schemathesis.openapi.from_url(f"{api_world['url']}/api/schema/?format=json")
    operations = [
        result.ok() for result in schema.include(path_regex="^/api/v1/").get_all_operations()
    ]
    assert len(operations) >= 22
    headers = {"Authorization": f"Api-Key {api_world['key']}"}
    exercised = []
    for operation in operations:
        # A fresh grievance per operation: earlier actions (transfer, close) do not hide it.
        grievance = GrievanceFactory(office=api_world["office"])
        known = {"id": grievance.pk, "code": grievance.tracking_code}
        path_parameters = {
            name: value for name, value in known.items() if f"{{{name}}}" in operation.path
        }
        strategy = operation.as_strategy(
            generation_mode=mode, path_parameters=path_parameters or None
        )

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):
            case.call_and_validate(base_url=api_world["url"], headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # Nothing to get wrong (no parameters, no body): no invalid request exists.
            assert mode == GenerationMode.NEGATIVE, operation.label
            continue
        exercised.append(operation.label)
    # Invalid requests exist for every operation that takes input.
    assert len(exercised) >= (22 if mode == GenerationMode.POSITIVE else 15), exercised
