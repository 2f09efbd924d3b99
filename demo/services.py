"""Idempotent demo data: officers for a few districts, a national viewer and an admin."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
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
