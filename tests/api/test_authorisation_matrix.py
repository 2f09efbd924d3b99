"""Who may call what: every API route (from the URL configuration) × every kind of caller.

The routes are read from the URL configuration: every named route under ROUTE_PREFIXES must
have an entry in EXPECTED, or its case fails ("no expectation"). To add a route:

    EXPECTED["namespace:name"] = {"GET": {...status per principal...}}
    SCENARIOS["namespace:name"] = lambda world: Call(kwargs=..., body=..., query=...)

A scenario is only needed when the route's URL arguments are not `pk` (the grievance) or
`code` (its tracking code), or when the request needs a body or query. Each case runs in its
own transaction with a fresh world: the grievance of the office (DHA), users in every role,
and API keys owned by the office's GRO.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.keys import api_key_create, api_key_revoke
from api.models import ApiKeyScope
from grievances import services
from grievances.models import Category, Grievance, Reply, ReplyState
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, UserFactory, district_office

pytestmark = pytest.mark.django_db

ROUTE_PREFIXES = ("api/", "open311/")

PRINCIPALS = (
    "anonymous",
    "citizen",  # no account: the tracking code and the private access key
    "officer",  # an officer of the grievance's office
    "other_officer",  # an officer of another district's office
    "gro",
    "head",
    "appeal_officer",  # the GRO of the divisional office the district appeals to
    "national",
    "key_read",
    "key_write",
    "key_revoked",
    "key_expired",
)


def statuses(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PRINCIPALS)
    assert not unknown, unknown
    return {p: overrides.get(p, default) for p in PRINCIPALS}


NO_CREDENTIALS = {"anonymous": 401, "citizen": 401, "key_revoked": 401, "key_expired": 401}
PUBLIC = statuses(200)
LIST = statuses(200, **NO_CREDENTIALS)
DETAIL = statuses(200, other_officer=404, appeal_officer=404, **NO_CREDENTIALS)
# Changes anyone of the office may make; national viewers and read keys are refused.
ACT = statuses(
    200, other_officer=404, appeal_officer=404, national=403, key_read=403, **NO_CREDENTIALS
)
# Changes only the office's GRO or head may make.
MANAGE = {**ACT, "officer": 403}
CREATE = statuses(
    201, other_officer=400, appeal_officer=400, national=403, key_read=403, **NO_CREDENTIALS
)

EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # the schema and its documentation page
    "api-schema": {"GET": PUBLIC},
    "api-docs": {"GET": PUBLIC},
    # grievances
    "api:grievance-list": {"GET": LIST},
    "api:grievance-detail": {"GET": DETAIL},
    "api:grievance-create": {"POST": CREATE},
    "api:grievance-accept": {"POST": ACT},
    "api:grievance-assign": {"POST": ACT},
    "api:grievance-transfer": {"POST": MANAGE},
    "api:grievance-categorise": {"POST": ACT},
    "api:grievance-prioritise": {"POST": ACT},
    "api:grievance-note": {"POST": ACT},
    "api:grievance-not-a-grievance": {"POST": ACT},
    "api:grievance-duplicate": {"POST": ACT},
    "api:grievance-reply": {"POST": ACT},
    "api:grievance-resolve": {"POST": ACT},
    "api:grievance-reopen": {"POST": ACT},
    "api:grievance-close": {"POST": MANAGE},
    "api:grievance-reply-retry": {"POST": ACT},
    "api:grievance-triage-undo": {"POST": ACT},
    # reference data: public
    "api:division-list": {"GET": PUBLIC},
    "api:district-list": {"GET": PUBLIC},
    "api:upazila-list": {"GET": PUBLIC},
    "api:office-list": {"GET": PUBLIC},
    "api:category-list": {"GET": PUBLIC},
    # citizens: public (the private view needs the key: the "citizen" principal sends it)
    "api:citizen-file": {"POST": statuses(201)},
    "api:citizen-track": {"GET": PUBLIC},
    # anything else under /api/v1/
    "api:not-found": {"GET": statuses(404), "POST": statuses(404)},
    # Open311 GeoReport v2: reading is public (a key or session changes nothing); filing needs
    # a usable key with the write scope, in the header or as `api_key` (403 otherwise, as the
    # specification says); anything else under /open311/v2/ is the specification's 404.
    "open311:root": {"GET": statuses(404)},
    "open311:not-found": {"GET": statuses(404)},
    "open311:discovery": {"GET": PUBLIC},
    "open311:services": {"GET": PUBLIC},
    "open311:service-definition": {"GET": PUBLIC},
    "open311:requests": {"GET": PUBLIC, "POST": statuses(403, key_write=201)},
    "open311:request": {"GET": PUBLIC},
    "open311:token": {"GET": PUBLIC},
}


@dataclass
class World:
    office: Any
    other_office: Any
    grievance: Grievance
    users: dict[str, Any]
    keys: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Call:
    kwargs: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    query: dict[str, Any] = field(default_factory=dict)


def _accepted(world: World) -> None:
    services.grievance_accept(grievance=world.grievance, actor=world.users["gro"])


def _resolved(world: World, *, days_ago: int = 0) -> None:
    _accepted(world)
    services.grievance_resolve(
        grievance=Grievance.objects.get(pk=world.grievance.pk),
        actor=world.users["gro"],
        outcome="action_taken",
        note="Cleaned.",
    )
    if days_ago:
        Grievance.objects.filter(pk=world.grievance.pk).update(
            resolved_at=timezone.now() - timedelta(days=days_ago)
        )


def _pk(world: World) -> dict[str, Any]:
    return {"pk": world.grievance.pk}


def _resolve_scenario(world: World) -> Call:
    _accepted(world)
    return Call(_pk(world), {"outcome": "action_taken", "note": "The drain was cleaned."})


def _reopen_scenario(world: World) -> Call:
    _resolved(world)
    return Call(_pk(world), {"note": "Not fixed after all."})


def _close_scenario(world: World) -> Call:
    _resolved(world, days_ago=60)
    return Call(_pk(world), {"note": "No answer from the citizen in time."})


def _duplicate_scenario(world: World) -> Call:
    original = GrievanceFactory(office=world.office)
    return Call(_pk(world), {"original": original.tracking_code})


def _failed_reply_scenario(world: World) -> Call:
    reply = services.reply_create(
        grievance=world.grievance, author=world.users["gro"], body="On it.", to_facebook=False
    )
    Reply.objects.filter(pk=reply.pk).update(state=ReplyState.FAILED)
    return Call({**_pk(world), "reply_id": reply.pk}, {})


def set_aside_by_triage(grievance: Grievance) -> None:
    """As the classifier leaves a praise comment above the office's threshold."""
    from triage.models import Suggestion

    Grievance.objects.filter(pk=grievance.pk).update(
        status="not_grievance", not_grievance_reason="praise"
    )
    Suggestion.objects.update_or_create(
        grievance=grievance,
        defaults={
            "intent": "praise",
            "intent_confidence": 0.97,
            "model_version": "test",
            "set_aside": True,
        },
    )


def _triage_undo_scenario(world: World) -> Call:
    set_aside_by_triage(world.grievance)
    return Call(_pk(world), {})


SCENARIOS: dict[str, Callable[[World], Call]] = {
    "api:grievance-triage-undo": _triage_undo_scenario,
    "api:grievance-reply-retry": _failed_reply_scenario,
    "api:grievance-create": lambda w: Call(
        body={"office": w.office.pk, "intake_via": "phone", "description": "ময়লা জমে আছে।"}
    ),
    "api:grievance-accept": lambda w: Call(_pk(w), {"note": ""}),
    "api:grievance-assign": lambda w: Call(_pk(w), {"assignee": w.users["officer"].pk}),
    "api:grievance-transfer": lambda w: Call(
        _pk(w), {"office": w.other_office.pk, "reason": "Their road."}
    ),
    "api:grievance-categorise": lambda w: Call(
        _pk(w), {"category": Category.objects.filter(is_active=True).first().pk}
    ),
    "api:grievance-prioritise": lambda w: Call(_pk(w), {"priority": "high"}),
    "api:grievance-note": lambda w: Call(_pk(w), {"note": "Called the UNO."}),
    "api:grievance-not-a-grievance": lambda w: Call(_pk(w), {"reason": "praise"}),
    "api:grievance-duplicate": _duplicate_scenario,
    "api:grievance-reply": lambda w: Call(_pk(w), {"body": "We are looking into it."}),
    "api:grievance-resolve": _resolve_scenario,
    "api:grievance-reopen": _reopen_scenario,
    "api:grievance-close": _close_scenario,
    "api:citizen-file": lambda w: Call(
        body={
            "district": w.office.district.slug,
            "category": Category.objects.filter(is_active=True).first().pk,
            "description": "রাস্তার পাশে ময়লা জমে আছে।",
        }
    ),
}


def _open311_token_scenario(world: World) -> Call:
    from open311.models import Open311Token

    token = Open311Token.objects.create(token="t0k3n", grievance=world.grievance)
    return Call({"fmt": "json", "token": token.token})


# Open311's routes carry their format (`.json`/`.xml`) as the `fmt` argument.
SCENARIOS |= {
    "open311:not-found": lambda w: Call({"rest": "nothing-here.json"}),
    "open311:discovery": lambda w: Call({"fmt": "json"}),
    "open311:services": lambda w: Call({"fmt": "json"}),
    "open311:service-definition": lambda w: Call({"fmt": "json", "service_code": "land"}),
    "open311:requests": lambda w: Call(
        {"fmt": "json"},
        body={
            "service_code": "land",
            "lat": "23.8103",
            "long": "90.4125",
            "description": "নামজারির আবেদন পড়ে আছে।",
        },
    ),
    "open311:request": lambda w: Call(
        {"fmt": "json", "service_request_id": w.grievance.tracking_code}
    ),
    "open311:token": _open311_token_scenario,
}


def api_routes() -> dict[str, str]:
    """Every named route under ROUTE_PREFIXES: {namespaced name: route}."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                if route.startswith(ROUTE_PREFIXES):
                    found[":".join([*namespaces, pattern.name])] = route

    walk(get_resolver().url_patterns, "", [])
    return found


def _cases() -> list[Any]:
    cases = []
    for name in sorted(api_routes()):
        if name not in EXPECTED:
            cases.append(pytest.param(name, None, None, id=f"{name}-NO-EXPECTATION"))
            continue
        for method in EXPECTED[name]:
            for principal in PRINCIPALS:
                cases.append(
                    pytest.param(name, method, principal, id=f"{name}-{method}-{principal}")
                )
    return cases


def test_every_expectation_names_a_route():
    assert set(EXPECTED) <= set(api_routes())


def test_every_principal_has_a_status_for_every_route():
    for name, methods in EXPECTED.items():
        for method, by_principal in methods.items():
            assert set(by_principal) == set(PRINCIPALS), (name, method)


@pytest.fixture
def world() -> World:
    office, other_office = district_office("DHA"), district_office("CTG")
    users = {
        "officer": OfficeMembershipFactory(office=office, role=OfficeRole.OFFICER).user,
        "other_officer": OfficeMembershipFactory(office=other_office).user,
        "gro": OfficeMembershipFactory(office=office, role=OfficeRole.GRO).user,
        "head": OfficeMembershipFactory(office=office, role=OfficeRole.HEAD).user,
        "appeal_officer": OfficeMembershipFactory(office=office.parent, role=OfficeRole.GRO).user,
        "national": UserFactory(is_national=True),
    }
    owner = users["gro"]
    keys = {
        "key_read": api_key_create(name="r", owner=owner, offices=[office])[0],
        "key_write": api_key_create(
            name="w", owner=owner, scope=ApiKeyScope.WRITE, offices=[office]
        )[0],
    }
    revoked_raw, revoked = api_key_create(
        name="x", owner=owner, scope=ApiKeyScope.WRITE, offices=[office]
    )
    api_key_revoke(key=revoked)
    keys["key_revoked"] = revoked_raw
    keys["key_expired"] = api_key_create(
        name="e",
        owner=owner,
        scope=ApiKeyScope.WRITE,
        offices=[office],
        expires_at=timezone.now() - timedelta(minutes=1),
    )[0]
    grievance = GrievanceFactory(office=office)
    return World(office, other_office, grievance, users, keys)


def _client(principal: str, world: World) -> APIClient:
    client = APIClient()  # CSRF is tested on its own (test_errors.py)
    if principal in world.users:
        client.force_login(world.users[principal])
    elif principal in world.keys:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys[principal]}")
    return client


def _url_kwargs(route: str, world: World, given: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(given)
    if "<int:pk>" in route:
        kwargs.setdefault("pk", world.grievance.pk)
    if "<str:code>" in route:
        kwargs.setdefault("code", world.grievance.tracking_code)
    if "(?P<rest>" in route:
        kwargs.setdefault("rest", "grievances/-1/")
    return kwargs


@pytest.mark.parametrize(("name", "method", "principal"), _cases())
def test_authorisation(name, method, principal, world):
    assert method is not None, f"{name} has no expectation in EXPECTED: add one"
    route = api_routes()[name]
    call = SCENARIOS.get(name, lambda w: Call())(world)
    query = dict(call.query)
    if principal == "citizen" and "<str:code>" in route:
        query["key"] = world.grievance.access_key
    url = reverse(name, kwargs=_url_kwargs(route, world, call.kwargs))
    client = _client(principal, world)

    if method == "GET":
        response = client.get(url, query)
    else:
        response = client.generic(
            method, url, data=json.dumps(call.body or {}), content_type="application/json"
        )

    expected = EXPECTED[name][method][principal]
    assert response.status_code == expected, (principal, name, response.content[:300])
    if principal == "citizen" and name == "api:citizen-track":
        assert response.json()["private"] is True
