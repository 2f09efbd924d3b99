import factory

from accounts.models import User
from offices.models import District, Office, OfficeMembership, OfficeRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


def district_office(code: str = "DHA") -> Office:
    """One of the 64 DC offices the data migration created."""
    return Office.objects.get(kind="district", code=code)


class OfficeFactory(factory.django.DjangoModelFactory):
    """Returns existing DC offices in turn: every environment already has all 64."""

    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Iterator(["DHA", "CTG", "SYL", "RAJ", "KHU", "BAR", "RNG", "MYM"])
    kind = "district"
    district = factory.LazyAttribute(lambda o: District.objects.get(code=o.code))
    division = factory.LazyAttribute(lambda o: o.district.division)
    name_en = factory.LazyAttribute(lambda o: o.district.name_en)
    name_bn = factory.LazyAttribute(lambda o: o.district.name_bn)


class OfficeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeMembership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = OfficeRole.OFFICER
