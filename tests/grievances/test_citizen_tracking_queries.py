"""Query-count guards for the citizen's tracking page, public and private (DESIGN.md §6).

The limits are today's counts, measured on a grievance with a long history (handled by an
officer, four additions by the citizen, each with a file): a query per event, file or answer
would break them.
"""

import pytest

from grievances.models import Grievance
from grievances.services import grievance_accept, grievance_assign, grievance_resolve
from tests.grievances.citizen_files import jpeg_with_exif, private_link, real_pdf, valid_form

pytestmark = pytest.mark.django_db

# The grievance with its office, district, upazila and category; its public events.
PUBLIC_PAGE_QUERIES = 2
# The same two, then the files sent with the grievance, the citizen's additions and their files.
PRIVATE_PAGE_QUERIES = 5


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def handled(client, officer):
    """A grievance filed with a photo, added to four times with a file, accepted, assigned and
    resolved; its code and private key."""
    response = client.post(
        "/grievances/new/",
        {**valid_form(citizen_email="rahim@example.com"), "attachments": [jpeg_with_exif()]},
    )
    link = private_link(client.get(response["Location"]).content.decode())
    code, key = link.split("/")[2], link.split("key=")[1]
    for n in range(4):
        response = client.post(
            f"/track/{code}/add/",
            {"key": key, "text": f"আরও তথ্য {n}", "attachments": [real_pdf(f"receipt-{n}.pdf")]},
        )
        assert response.status_code == 302
    grievance = grievance_accept(grievance=Grievance.objects.get(tracking_code=code), actor=officer)
    grievance = grievance_assign(grievance=grievance, assignee=officer, actor=officer)
    grievance_resolve(grievance=grievance, actor=officer, outcome="action_taken", note="ঠিক হয়েছে।")
    return code, key


def test_the_public_tracking_page_keeps_its_query_count(
    client, handled, django_assert_max_num_queries
):
    code, _ = handled

    with django_assert_max_num_queries(PUBLIC_PAGE_QUERIES):
        response = type(client)().get(f"/track/{code}/")

    assert response.status_code == 200
    assert "ঠিক হয়েছে।" in response.content.decode()


def test_the_private_tracking_page_keeps_its_query_count(
    client, handled, django_assert_max_num_queries
):
    code, key = handled

    with django_assert_max_num_queries(PRIVATE_PAGE_QUERIES):
        response = type(client)().get(f"/track/{code}/?key={key}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "আরও তথ্য 3" in html
    assert "receipt-3.pdf" in html
