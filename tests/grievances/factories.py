import factory

from grievances.models import Grievance, GrievanceChannel
from grievances.services import grievance_create
from tests.offices.factories import OfficeFactory


class GrievanceFactory(factory.django.DjangoModelFactory):
    """A new web grievance made through `grievance_create`, so codes and deadlines are real."""

    class Meta:
        model = Grievance

    office = factory.SubFactory(OfficeFactory)
    channel = GrievanceChannel.WEB
    description = factory.Sequence(lambda n: f"রাস্তার পাশে ময়লা জমে আছে, অভিযোগ {n}")

    @classmethod
    def _create(cls, model_class: type[Grievance], *args: object, **kwargs: object) -> Grievance:
        grievance, access_key = grievance_create(**kwargs)  # type: ignore[arg-type]
        grievance.access_key = access_key  # type: ignore[attr-defined]  # for citizen-view tests
        return grievance
