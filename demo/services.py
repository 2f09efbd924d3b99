"""Idempotent demo data: officers for a few districts, a national viewer and an admin; their
offices set praise and spam aside automatically (triage)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from integrations.facebook.models import FacebookPage
from integrations.facebook.services.pages import graph_api_with_token, page_connect
from offices.models import Office, OfficeMembership, OfficeRole
from triage.models import TriageSetting

DEMO_PASSWORD = "shunani-demo"  # noqa: S105 - printed for the local demo, never used elsewhere
DEMO_DISTRICTS = ("DHA", "CTG", "SYL", "RAJ", "KHU", "BAR")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    what: str


# Demo staff are people, named in English and in Bangla (shown in the Bangla interface).
# (first, last) in English, then in Bangla; the n-th demo user gets the n-th pair of lists.
_FIRST_NAMES = (
    ("Rahima", "রহিমা"),
    ("Karim", "করিম"),
    ("Nasrin", "নাসরিন"),
    ("Anisur", "আনিসুর"),
    ("Farhana", "ফারহানা"),
    ("Mizanur", "মিজানুর"),
    ("Sultana", "সুলতানা"),
    ("Habibur", "হাবিবুর"),
    ("Tahmina", "তাহমিনা"),
    ("Shafiqul", "শফিকুল"),
    ("Nusrat", "নুসরাত"),
    ("Jahangir", "জাহাঙ্গীর"),
    ("Shirin", "শিরিন"),
)
_LAST_NAMES = (
    ("Rahman", "রহমান"),
    ("Hossain", "হোসেন"),
    ("Ahmed", "আহমেদ"),
    ("Islam", "ইসলাম"),
    ("Chowdhury", "চৌধুরী"),
    ("Sarkar", "সরকার"),
    ("Talukder", "তালুকদার"),
)


def demo_name(index: int) -> tuple[str, str, str]:
    """(first name, last name, full name in Bangla) of the `index`-th demo user; 13 × 7 first
    and last names make 91 different people before a name repeats."""
    first_en, first_bn = _FIRST_NAMES[index % len(_FIRST_NAMES)]
    last_en, last_bn = _LAST_NAMES[index % len(_LAST_NAMES)]
    return first_en, last_en, f"{first_bn} {last_bn}"


def _user(username: str, *, index: int, **flags: bool) -> User:
    """The demo user, created once; a name is given where it has none in Bangla yet (so a
    rerun changes nothing, and users of an older seed get their names)."""
    first, last, name_bn = demo_name(index)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "full_name_bn": name_bn, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    elif not user.full_name_bn:
        user.first_name, user.last_name, user.full_name_bn = first, last, name_bn
        user.save(update_fields=["first_name", "last_name", "full_name_bn"])
    return user


@transaction.atomic
def demo_seed() -> list[DemoLogin]:
    logins = [DemoLogin("admin", DEMO_PASSWORD, "administrator")]
    _user("admin", index=0, is_staff=True, is_superuser=True)
    _user("national", index=1, is_national=True)
    index = 2
    logins.append(DemoLogin("national", DEMO_PASSWORD, "national viewer (a2i)"))

    for code in DEMO_DISTRICTS:
        office = Office.objects.get(code=code)
        # The demo pages' praise and spam are set aside when the classifier is 90 % sure, so
        # the demo shows both: suggestions in the inbox, and a set-aside with its undo.
        TriageSetting.objects.get_or_create(
            office=office, defaults={"auto_set_aside": True, "threshold": Decimal("0.90")}
        )
        slug = code.lower()
        for role, suffix in (
            (OfficeRole.OFFICER, "officer"),
            (OfficeRole.GRO, "gro"),
            (OfficeRole.HEAD, "dc"),
        ):
            user = _user(f"{slug}-{suffix}", index=index)
            index += 1
            OfficeMembership.objects.get_or_create(
                user=user, office=office, defaults={"role": role}
            )
            logins.append(DemoLogin(user.username, DEMO_PASSWORD, f"{role} · {office.name_en}"))
        parent = office.parent
        if parent is not None:
            appeal = _user(f"{parent.code.lower()}-gro", index=index)
            index += 1
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
