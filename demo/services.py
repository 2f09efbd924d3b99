"""Idempotent demo data: officers for a few districts, a national viewer and an admin."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from integrations.facebook.models import FacebookPage
from integrations.facebook.services.pages import graph_api_with_token, page_connect
from offices.models import Office, OfficeMembership, OfficeRole

DEMO_PASSWORD = "shunani-demo"  # noqa: S105 - printed for the local demo, never used elsewhere
DEMO_DISTRICTS = ("DHA", "CTG", "SYL", "RAJ", "KHU", "BAR")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    what: str


def _user(username: str, *, first_name: str, **flags: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    logins = [DemoLogin("admin", DEMO_PASSWORD, "administrator")]
    _user("admin", first_name="Admin", is_staff=True, is_superuser=True)
    _user("national", first_name="a2i", is_national=True)
    logins.append(DemoLogin("national", DEMO_PASSWORD, "national viewer (a2i)"))

    for code in DEMO_DISTRICTS:
        office = Office.objects.get(code=code)
        slug = code.lower()
        for role, suffix in (
            (OfficeRole.OFFICER, "officer"),
            (OfficeRole.GRO, "gro"),
            (OfficeRole.HEAD, "dc"),
        ):
            user = _user(f"{slug}-{suffix}", first_name=f"{office.name_en} {suffix}")
            OfficeMembership.objects.get_or_create(
                user=user, office=office, defaults={"role": role}
            )
            logins.append(DemoLogin(user.username, DEMO_PASSWORD, f"{role} · {office.name_en}"))
        parent = office.parent
        if parent is not None:
            appeal = _user(f"{parent.code.lower()}-gro", first_name=f"{parent.name_en} GRO")
            OfficeMembership.objects.get_or_create(
                user=appeal, office=parent, defaults={"role": OfficeRole.GRO}
            )
    return logins


# The fake Graph server's seeded administrator and the DC offices of its demo pages
# (integrations/facebook/fake_seed.json).
FAKE_ADMIN_USER_TOKEN = "EAAShunaniFakeAdminUserToken"  # noqa: S105 - the fake server's, public
FAKE_PAGE_OFFICES = {
    "104510000000001": "DHA",
    "104510000000002": "CTG",
    "104510000000003": "SYL",
    "104510000000004": "RAJ",
    "104510000000005": "KHU",
    "104510000000006": "BAR",
}


def demo_connect_pages() -> list[FacebookPage]:
    """Connect the fake server's demo pages as an administrator would: /me/accounts, then each
    page's own token. Needs the fake Graph server running at FACEBOOK_GRAPH_URL."""
    graph = graph_api_with_token(FAKE_ADMIN_USER_TOKEN)
    connected = []
    for graph_page in graph.me_accounts():
        code = FAKE_PAGE_OFFICES.get(graph_page.id)
        if code is None:
            continue
        connected.append(
            page_connect(
                office=Office.objects.get(code=code),
                page_id=graph_page.id,
                token=graph_page.access_token,
                name=graph_page.name,
            )
        )
    return connected
