import io

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import IntegrityError, connection
from django.db.models import Count, Max, Q

from core.calendar import add_working_days
from grievances.inbox import InboxFilters
from grievances.models import Feedback, Grievance, GrievanceEvent, GrievanceTier, Reply
from grievances.selectors import grievance_inbox_for_user
from offices.models import Office
from tests.offices.factories import OfficeMembershipFactory

pytestmark = pytest.mark.django_db

Kind = GrievanceEvent.Kind


def test_generate_load_copies_valid_grievances_the_inbox_can_page(db):
    office = Office.objects.districts().order_by("pk").first()  # `--offices 1` fills this one
    officer = OfficeMembershipFactory(office=office).user

    call_command("generate_load", 120, offices=1, chunk=50, stdout=io.StringIO())

    generated = Grievance.objects.filter(tracking_code__startswith="LD")
    assert generated.count() == 120
    # Appealed grievances went to the appeal office (the parent), as the appeal service does.
    assert set(generated.filter(tier=GrievanceTier.OFFICE).values_list("office_id", flat=True)) == {
        office.pk
    }
    assert set(generated.filter(tier=GrievanceTier.APPEAL).values_list("office_id", flat=True)) <= {
        office.parent_id
    }
    own = generated.filter(office=office)
    seen, cursor = [], ""
    while True:
        page = grievance_inbox_for_user(
            user=officer, filters=InboxFilters(tab="all", sort="priority"), cursor=cursor
        )
        seen.extend(g.pk for g in page.rows)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(own.values_list("pk", flat=True))


def test_generate_load_is_the_benchmarks_command_not_the_grievance_apps():
    assert get_commands()["generate_load"] == "benchmarks"


def _latest_status(grievance_id: int) -> str:
    return (
        GrievanceEvent.objects.filter(grievance_id=grievance_id)
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
        .values_list("to_status", flat=True)[0]
    )


def test_generated_histories_agree_with_the_grievances_they_explain(db):
    call_command("generate_load", 1500, offices=4, chunk=400, seed=7, stdout=io.StringIO())
    grievances = Grievance.objects.filter(tracking_code__startswith="LD")
    assert grievances.count() == 1500
    # A realistic mix, not one status: every status of the life cycle occurs.
    statuses = set(grievances.values_list("status", flat=True))
    assert statuses == {
        "new",
        "accepted",
        "in_progress",
        "resolved",
        "closed",
        "not_grievance",
        "duplicate",
    }

    # One "received" event each; the last status event is the grievance's status.
    created = GrievanceEvent.objects.filter(kind=Kind.CREATED).values("grievance_id")
    assert created.count() == 1500
    assert created.annotate(n=Count("id")).filter(n__gt=1).count() == 0
    for grievance in grievances.order_by("pk")[:300]:
        assert _latest_status(grievance.pk) == grievance.status, grievance.tracking_code

    # Replies: one public-reply event each, the first response, delivered.
    replies = Reply.objects.filter(grievance__in=grievances)
    assert replies.count() == GrievanceEvent.objects.filter(kind=Kind.PUBLIC_REPLY).count()
    assert replies.count() == grievances.filter(first_responded_at__isnull=False).count() > 0
    assert not replies.exclude(state="sent").exists()
    for reply in replies.select_related("grievance")[:200]:
        assert reply.created_at == reply.grievance.first_responded_at

    # Feedback: one event each, only after the office resolved it; fixed closes it.
    feedback = Feedback.objects.filter(grievance__in=grievances)
    assert feedback.count() == GrievanceEvent.objects.filter(kind=Kind.FEEDBACK).count() > 0
    assert feedback.filter(is_fixed=True, rating__isnull=True).count() == 0
    for item in feedback.select_related("grievance")[:200]:
        first_resolved = (
            GrievanceEvent.objects.filter(grievance=item.grievance, to_status="resolved")
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        assert first_resolved is not None
        assert first_resolved < item.created_at
        if item.is_fixed:
            assert item.grievance.status == "closed"
            assert item.grievance.closed_at is not None

    # Resolved and closed ones carry their times and an outcome; open ones none.
    assert (
        grievances.filter(status__in=["resolved", "closed"], resolved_at__isnull=True).count() == 0
    )
    assert grievances.filter(status__in=["resolved", "closed"], outcome="").count() == 0
    assert grievances.filter(status="closed", closed_at__isnull=True).count() == 0
    assert grievances.exclude(status__in=["resolved", "closed"]).exclude(outcome="").count() == 0
    last_closed = dict(
        GrievanceEvent.objects.filter(to_status="closed")
        .values("grievance_id")
        .annotate(at=Max("created_at"))
        .values_list("grievance_id", "at")
    )
    for grievance in grievances.filter(status="closed")[:200]:
        assert last_closed[grievance.pk] == grievance.closed_at

    # Appeals: tier 2 exactly when appealed, owned by the office appealed to (the parent).
    appealed = GrievanceEvent.objects.filter(kind=Kind.APPEALED).select_related("from_office")
    assert appealed.count() == grievances.filter(tier=GrievanceTier.APPEAL).count() > 0
    for event in appealed:
        assert event.to_office_id == event.from_office.parent_id
        assert Grievance.objects.get(pk=event.grievance_id).office_id == event.to_office_id

    # Deadlines are the working-day ones; overdue grievances exist by the one definition.
    for grievance in grievances.filter(
        tier=GrievanceTier.OFFICE, accepted_at__isnull=False
    ).exclude(events__data__reopened=True)[:100]:
        assert grievance.due_at == add_working_days(
            grievance.accepted_at, settings.GRIEVANCE_TIER_DEADLINE_DAYS[1]
        )
        assert grievance.first_response_due_at == add_working_days(
            grievance.received_at, settings.GRIEVANCE_FIRST_RESPONSE_DAYS
        )
    assert grievances.overdue().exists()
    assert (
        grievances.filter(~Q(status="new"), accepted_at__isnull=True, status="accepted").count()
        == 0
    )


def _index_definitions() -> set[tuple[str, str, bool]]:
    """Name, columns and whether partial: PostgreSQL prints a rebuilt partial index's
    predicate in another (equivalent) spelling, `= ANY (ARRAY[...])` casts moved."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('grievances_grievance', 'grievances_grievanceevent', 'grievances_reply', "
            "'grievances_feedback')"
        )
        return {
            (name, definition.split(" WHERE ")[0], " WHERE " in definition)
            for name, definition in cursor.fetchall()
        }


def test_a_big_load_drops_the_secondary_indexes_and_builds_the_same_ones_after(db):
    before = _index_definitions()
    assert any(name == "grievance_search_trgm" for name, _, _ in before)
    out = io.StringIO()

    call_command("generate_load", 300, indexes="rebuild", chunk=100, stdout=out)

    assert _index_definitions() == before
    assert "grievance_search_trgm" in out.getvalue()  # the index step's progress names it
    assert Grievance.objects.filter(tracking_code__startswith="LD").count() == 300
    # The built indexes serve their queries: search finds generated text.
    assert Grievance.objects.filter(search_text__contains="নামজারি".upper()).exists()


def _loaded() -> list[tuple]:
    """The generated grievances in id order, as far as a second load of the same seed must
    repeat them (their ids and times move with where and when it ran)."""
    rows = (
        Grievance.objects.filter(tracking_code__startswith="LD")
        .annotate(
            n_events=Count("events", distinct=True), n_replies=Count("replies", distinct=True)
        )
        .order_by("pk")
        .values_list(
            "office_id",
            "channel",
            "category_id",
            "upazila_id",
            "status",
            "tier",
            "priority",
            "n_events",
            "n_replies",
        )
    )
    return list(rows)


def _delete_loaded() -> None:
    with connection.cursor() as cursor:
        for table in ("grievances_feedback", "grievances_reply", "grievances_grievanceevent"):
            cursor.execute(
                f"DELETE FROM {table} WHERE grievance_id IN "  # noqa: S608 - constants
                "(SELECT id FROM grievances_grievance WHERE tracking_code LIKE 'LD%%')"
            )
        cursor.execute("DELETE FROM grievances_grievance WHERE tracking_code LIKE 'LD%%'")


@pytest.mark.django_db(transaction=True)
def test_a_load_on_several_connections_writes_what_one_transaction_writes():
    before = _index_definitions()
    load = {"offices": 3, "chunk": 150, "seed": 11, "indexes": "rebuild", "stdout": io.StringIO()}
    call_command("generate_load", 600, jobs=1, **load)
    alone = _loaded()
    _delete_loaded()

    call_command("generate_load", 600, jobs=2, **load)

    assert _loaded() == alone
    assert len(alone) == 600
    assert _index_definitions() == before
    # Ids were reserved first: the next grievance and reply come after the loaded ones.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT last_value FROM grievances_grievance_id_seq) >= "
            "(SELECT max(id) FROM grievances_grievance), "
            "(SELECT last_value FROM grievances_reply_id_seq) >= "
            "(SELECT max(id) FROM grievances_reply)"
        )
        assert cursor.fetchone() == (True, True)


@pytest.mark.django_db(transaction=True)
def test_a_failed_load_on_several_connections_leaves_what_was_there():
    before = _index_definitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM grievances_grievance")
        (last,) = cursor.fetchone()
        # The third chunk breaks a rule of the table: the load fails there.
        cursor.execute(
            f"ALTER TABLE grievances_grievance ADD CONSTRAINT test_few CHECK (id <= {last + 300})"
        )
    try:
        with pytest.raises(IntegrityError):
            call_command(
                "generate_load",
                600,
                jobs=2,
                chunk=150,
                offices=2,
                indexes="rebuild",
                stdout=io.StringIO(),
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE grievances_grievance DROP CONSTRAINT test_few")

    assert not Grievance.objects.filter(tracking_code__startswith="LD").exists()
    assert not GrievanceEvent.objects.filter(grievance_id__gt=last).exists()
    assert not Reply.objects.filter(grievance_id__gt=last).exists()
    assert _index_definitions() == before
