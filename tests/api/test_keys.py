"""API keys: stored hashed, shown once, limited to their offices and their owner's rights."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.keys import api_key_create, api_key_revoke, hash_key, key_authenticate, key_scope_user
from api.models import ApiKey, ApiKeyScope
from grievances.access import access_for, staff_access_for
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_raw_key_is_not_stored_only_its_hash(officer, office):
    raw, key = api_key_create(name="333", owner=officer, offices=[office])

    key.refresh_from_db()
    assert raw not in {key.prefix, key.hashed_key, key.name}
    assert key.hashed_key == hash_key(raw)
    assert raw.startswith(f"shk_{key.prefix}_")
    assert key_authenticate(raw) == key


def test_a_wrong_secret_with_a_real_prefix_is_refused(officer, office):
    raw, _ = api_key_create(name="333", owner=officer, offices=[office])

    assert key_authenticate(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")) is None
    assert key_authenticate("nonsense") is None
    assert key_authenticate("") is None


def test_revoked_and_expired_keys_and_inactive_owners_are_refused(officer, office):
    revoked_raw, revoked = api_key_create(name="a", owner=officer, offices=[office])
    api_key_revoke(key=revoked)
    expired_raw, _ = api_key_create(
        name="b", owner=officer, offices=[office], expires_at=timezone.now() - timedelta(1)
    )
    idle_owner = UserFactory(is_active=False)
    idle_raw, _ = api_key_create(name="c", owner=idle_owner)

    assert key_authenticate(revoked_raw) is None
    assert key_authenticate(expired_raw) is None
    assert key_authenticate(idle_raw) is None


def test_use_is_noted(officer, office):
    raw, key = api_key_create(name="a", owner=officer, offices=[office])

    key_authenticate(raw)

    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_key_never_exceeds_its_offices_or_its_owner(office, other_office):
    """The owner works in two offices; the key names one of them and a third the owner has no
    role in: it acts in the first only."""
    user = OfficeMembershipFactory(office=office).user
    OfficeMembershipFactory(user=user, office=other_office)
    third = OfficeMembershipFactory().office
    mine, theirs = GrievanceFactory(office=office), GrievanceFactory(office=other_office)
    _, key = api_key_create(name="a", owner=user, scope=ApiKeyScope.WRITE, offices=[office, third])

    scoped = key_scope_user(ApiKey.objects.select_related("owner").get(pk=key.pk))

    assert staff_access_for(scoped).readable_office_ids() == [office.pk]
    assert access_for(scoped, mine).may_act
    assert not access_for(scoped, theirs).may_read


def test_a_national_read_key_reads_everything_and_changes_nothing(national_user, office):
    grievance = GrievanceFactory(office=office)
    _, key = api_key_create(name="a", owner=national_user, national_read=True)

    scoped = key_scope_user(key)

    access = access_for(scoped, grievance)
    assert (access.may_read, access.may_act) == (True, False)


def test_national_read_on_an_officers_key_gives_only_the_owners_offices(officer, office):
    """The flag asks for more than the owner has: the owner's offices named on the key only."""
    _, key = api_key_create(name="a", owner=officer, national_read=True)

    assert staff_access_for(key_scope_user(key)).readable_office_ids() == []


def test_a_national_viewers_office_key_does_not_read_everything(national_user, office):
    _, key = api_key_create(name="a", owner=national_user, offices=[office])

    assert staff_access_for(key_scope_user(key)).readable_office_ids() == []


def test_the_admin_shows_the_key_once_and_stores_its_hash(client, office):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    owner = OfficeMembershipFactory(office=office).user
    assert client.get(reverse("admin:api_apikey_add")).status_code == 200

    response = client.post(
        reverse("admin:api_apikey_add"),
        {"name": "GRS", "owner": owner.pk, "scope": "write", "offices": [office.pk]},
    )

    assert response.status_code == 200
    key = ApiKey.objects.get(name="GRS")
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    assert key.hashed_key == hash_key(raw)
    assert key_authenticate(raw) == key
    # Never again: the change page does not show it.
    page = client.get(reverse("admin:api_apikey_change", args=[key.pk])).content.decode()
    assert raw not in page
    assert raw not in client.get(reverse("admin:api_apikey_changelist")).content.decode()


def test_every_fresh_key_authenticates_whatever_characters_its_secret_has(officer, office):
    """The secret is URL-safe base64, which has `_` and `-`: many keys, each one found."""
    raws = [api_key_create(name=f"k{i}", owner=officer, offices=[office])[0] for i in range(40)]

    assert any("_" in raw.split("_", 2)[2] for raw in raws)
    assert all(key_authenticate(raw) is not None for raw in raws)


def test_the_command_prints_a_working_key_once(officer, office):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "api_key_create",
        name="333",
        owner=officer.username,
        scope="write",
        office=["DHA"],
        stdout=out,
    )

    raw = out.getvalue().strip().splitlines()[-1]
    key = key_authenticate(raw)
    assert key is not None
    assert key.may_write
    assert list(key.offices.all()) == [office]


def test_the_admin_refuses_a_national_key_that_writes(client, national_user):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:api_apikey_add"),
        {"name": "n", "owner": national_user.pk, "scope": "write", "national_read": "on"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["scope"]
    assert not ApiKey.objects.exists()


def test_the_admin_revokes(client, officer, office):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    raw, key = api_key_create(name="a", owner=officer, offices=[office])

    client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
    )

    assert key_authenticate(raw) is None
