"""Grievance-level exports: streamed CSV (with a BOM) and XLSX, access by district, the log,
and never a citizen's contact details."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core.calendar import DHAKA
from dashboards.exports import csv_stream, xlsx_stream
from dashboards.models import ExportLog
from grievances.models import Grievance
from grievances.services import feedback_submit, grievance_accept, grievance_resolve
from offices.models import OfficeRole
from tests.grievances.factories import GrievanceFactory
from tests.offices.factories import OfficeMembershipFactory, UserFactory, district_office

pytestmark = pytest.mark.django_db

URL = "/dashboard/export/grievances.{}"
NAME, PHONE, EMAIL = "রহিমা খাতুন", "01711223344", "rahima@example.com"


@pytest.fixture
def grievances():
    dhaka, ctg = district_office("DHA"), district_office("CTG")
    officer = OfficeMembershipFactory(office=dhaka, role=OfficeRole.GRO).user
    answered = GrievanceFactory(
        office=dhaka, citizen_name=NAME, citizen_phone=PHONE, citizen_email=EMAIL
    )
    grievance_accept(grievance=answered, actor=officer)
    grievance_resolve(
        grievance=answered, actor=officer, outcome="action_taken", note="ঠিক করা হয়েছে"
    )
    feedback_submit(grievance=answered, is_fixed=True, rating=4)
    # Untriaged for three days: past its first-response deadline, so overdue now.
    late = GrievanceFactory(office=dhaka, received_at=timezone.now() - timedelta(days=3))
    other = GrievanceFactory(office=ctg, citizen_phone="01899887766")
    return {"answered": answered, "late": late, "other": other, "officer": officer}


def _query() -> dict[str, str]:
    today = timezone.now().astimezone(DHAKA).date()
    return {"from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat()}


def _client(client, user: User):
    client.force_login(user)
    return client


def _national() -> User:
    return UserFactory(username="national", is_national=True)


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 Bangla
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_streams_every_district_to_national_staff_with_a_bom(client, grievances):
    response = _client(client, _national()).get(URL.format("csv"), _query())

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[0] == "ট্র্যাকিং কোড"
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_code) == {g.tracking_code for k, g in grievances.items() if k != "officer"}

    answered = by_code[grievances["answered"].tracking_code]
    assert answered["কার্যালয়"] == district_office("DHA").name_bn
    assert answered["অবস্থা"] == "বন্ধ"  # closed: the citizen confirmed the fix
    assert answered["মতামত"] == "সমাধান হয়েছে"
    assert answered["রেটিং"] == "4"
    received = grievances["answered"].received_at.astimezone(DHAKA)
    assert answered["গ্রহণের সময়"] == f"{received:%Y-%m-%d %H:%M}"
    # Overdue is the one definition's answer.
    overdue = set(Grievance.objects.overdue().values_list("tracking_code", flat=True))
    for code, row in by_code.items():
        assert (row["মেয়াদোত্তীর্ণ"] == "হ্যাঁ") == (code in overdue), code
    assert grievances["late"].tracking_code in overdue


def test_the_first_bytes_leave_before_any_row_is_read():
    pulled = []

    def rows():
        for n in range(5000):
            pulled.append(n)
            yield (f"LD-{n}", "ঢাকা", None, n)

    csv_chunks = csv_stream(["code", "office", "none", "n"], rows())
    assert next(csv_chunks).startswith("\ufeffcode".encode())
    assert pulled == []
    xlsx_chunks = xlsx_stream(["code", "office", "none", "n"], rows(), sheet_title="অভিযোগ")
    assert next(xlsx_chunks)[:2] == b"PK"  # the zip's first local header
    assert pulled == []


def test_xlsx_opens_with_bangla_and_real_dates(client, grievances):
    response = _client(client, _national()).get(URL.format("xlsx"), _query())

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet.title == "অভিযোগসমূহ"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("ট্র্যাকিং কোড", "কার্যালয়", "জেলা")
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    answered = by_code[grievances["answered"].tracking_code]
    assert answered["জেলা"] == district_office("DHA").district.name_bn
    received = grievances["answered"].received_at.astimezone(DHAKA).replace(tzinfo=None)
    assert abs(answered["গ্রহণের সময়"] - received) < timedelta(seconds=1)
    assert answered["রেটিং"] == 4
    assert by_code[grievances["late"].tracking_code]["মেয়াদোত্তীর্ণ"] == "হ্যাঁ"


def test_xlsx_goes_on_in_a_new_sheet_when_one_is_full():
    rows = ((f"LD-{n}", n) for n in range(25))
    body = b"".join(xlsx_stream(["code", "n"], rows, sheet_title="Grievances", max_rows=10))
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert [s.title for s in book.worksheets] == ["Grievances", "Grievances 2", "Grievances 3"]
    values = [r[1] for s in book.worksheets for r in s.iter_rows(min_row=2, values_only=True)]
    assert values == list(range(25))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_contact_data_and_no_free_text_in_any_export(client, grievances, fmt):
    response = _client(client, _national()).get(URL.format(fmt), _query())
    body = b"".join(response.streaming_content)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    else:
        text = body.decode("utf-8-sig")
    assert grievances["answered"].tracking_code in text
    for private in (NAME, PHONE, EMAIL, "01899887766", "ময়লা জমে আছে", "ঠিক করা হয়েছে"):
        assert private not in text


def test_district_staff_export_their_district_only_and_404_for_another(client, grievances):
    officer = _client(client, grievances["officer"])

    rows = _csv_rows(officer.get(URL.format("csv"), _query()))
    codes = {row[0] for row in rows[1:]}
    assert codes == {grievances["answered"].tracking_code, grievances["late"].tracking_code}
    ctg = district_office("CTG").district.slug
    assert officer.get(URL.format("csv"), {**_query(), "district": ctg}).status_code == 404
    assert officer.get(URL.format("xlsx"), {**_query(), "district": ctg}).status_code == 404


def test_a_divisional_office_exports_its_division(client, grievances):
    dhaka = district_office("DHA")
    member = OfficeMembershipFactory(office=dhaka.parent).user

    rows = _csv_rows(_client(client, member).get(URL.format("csv"), _query()))

    assert {row[0] for row in rows[1:]} == {
        grievances["answered"].tracking_code,
        grievances["late"].tracking_code,
    }  # Chattogram is another division


def test_others_get_404_and_anonymous_users_the_login_page(client, grievances):
    stranger = UserFactory(username="no-office")
    assert _client(client, stranger).get(URL.format("csv"), _query()).status_code == 404
    client.logout()
    response = client.get(URL.format("xlsx"), _query())
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]
    national = _client(client, _national())
    assert national.get(URL.format("pdf"), _query()).status_code == 404
    assert not ExportLog.objects.exists()


def test_every_export_is_logged_with_who_what_and_when(client, grievances):
    national = _national()
    before = timezone.now()

    response = _client(client, national).get(
        URL.format("xlsx"), {**_query(), "district": district_office("DHA").district.slug}
    )
    log = ExportLog.objects.get()  # logged before the first byte
    assert log.finished_at is None
    b"".join(response.streaming_content)

    log.refresh_from_db()
    assert log.user == national
    assert (log.kind, log.format) == ("grievances", "xlsx")
    assert log.filters["district_ids"] == [district_office("DHA").district_id]
    assert log.filters["start"] == _query()["from"]
    assert log.started_at >= before
    assert log.finished_at is not None
    assert log.row_count == 2


def test_an_interrupted_download_stays_logged_without_a_finish(client, grievances):
    response = _client(client, _national()).get(URL.format("csv"), _query())
    chunks = iter(response.streaming_content)
    next(chunks)  # the client goes away after the first bytes

    log = ExportLog.objects.get()
    assert log.finished_at is None
    assert log.row_count is None


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_with_a_replica_the_rows_are_read_there(client, settings):
    settings.DATABASE_READ_REPLICA = "replica"
    GrievanceFactory(office=district_office("DHA"))
    national = _national()
    client.force_login(national)
    replica = CaptureQueriesContext(connections["replica"])
    primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])

    with replica, primary:
        rows = _csv_rows(client.get(URL.format("csv"), _query()))

    assert len(rows) == 2
    assert any("grievances_grievance" in q["sql"] for q in replica.captured_queries)
    assert not any("dashboards_exportlog" in q["sql"] for q in replica.captured_queries)
    assert any("dashboards_exportlog" in q["sql"] for q in primary.captured_queries)


def test_the_dashboards_link_to_the_exports_with_their_filters(client, grievances):
    national = _client(client, _national())
    page = national.get("/dashboard/", {"period": "30"}).content.decode()
    assert '/dashboard/export/grievances.xlsx?period=30"' in page
    assert '/dashboard/export/grievances.csv?period=30"' in page

    slug = district_office("DHA").district.slug
    page = national.get(f"/dashboard/{slug}/", {"period": "30"}).content.decode()
    assert f'/dashboard/export/grievances.csv?district={slug}&amp;period=30"' in page


def test_the_export_log_is_read_only_in_the_admin(client, national_user):
    from django.urls import reverse

    from dashboards.metrics import Filters
    from dashboards.services import export_log_start
    from tests.dashboards.conftest import dhaka

    admin = User.objects.create_superuser("root-admin", "root@example.org", "pw-for-tests")
    log = export_log_start(
        user=national_user,
        kind="grievances",
        format="csv",
        filters=Filters(start=dhaka(2026, 1, 1).date(), end=dhaka(2026, 1, 31).date()),
    )
    client.force_login(admin)

    listing = client.get(reverse("admin:dashboards_exportlog_changelist"))
    assert listing.status_code == 200
    assert national_user.username in listing.content.decode()
    assert client.get(reverse("admin:dashboards_exportlog_add")).status_code == 403
    delete = reverse("admin:dashboards_exportlog_delete", args=[log.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ExportLog.objects.filter(pk=log.pk).exists()
