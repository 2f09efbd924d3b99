"""The read replica's router (core/db_routers.py), against a second alias that mirrors the test
database: reads marked as "may lag" go there, writes and everything else to the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from core.db_routers import read_alias, reading_replica
from grievances.models import Category


@pytest.fixture
def replica(settings):
    settings.DATABASE_READ_REPLICA = "replica"
    return "replica"


def test_without_a_replica_the_marked_reads_stay_on_the_primary(settings, db):
    settings.DATABASE_READ_REPLICA = ""
    with reading_replica() as alias:
        assert alias == DEFAULT_DB_ALIAS
        assert Category.objects.all().db == DEFAULT_DB_ALIAS
    assert read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_marked_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    Category.objects.create(slug="replica-test", name_en="Roads", name_bn="রাস্তা")
    on_replica = CaptureQueriesContext(connections["replica"])
    on_primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])

    with on_replica, on_primary, reading_replica() as alias:
        assert alias == "replica"
        assert Category.objects.filter(slug="replica-test").get().name_bn == "রাস্তা"
        Category.objects.create(slug="written-inside", name_en="Water", name_bn="পানি")

    assert any("replica-test" in q["sql"] for q in on_replica.captured_queries)
    assert not any("INSERT" in q["sql"] for q in on_replica.captured_queries)
    assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
    assert not any("replica-test" in q["sql"] for q in on_primary.captured_queries)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_unmarked_reads_and_reads_inside_a_transaction_stay_on_the_primary(replica):
    assert Category.objects.all().db == DEFAULT_DB_ALIAS  # not marked
    with reading_replica():
        assert Category.objects.all().db == "replica"
        with transaction.atomic():  # a transaction reads what it wrote
            assert Category.objects.all().db == DEFAULT_DB_ALIAS
            assert read_alias() == DEFAULT_DB_ALIAS
    assert Category.objects.all().db == DEFAULT_DB_ALIAS  # the mark ends with the block


def test_only_the_primary_is_migrated_and_written(replica):
    assert router.allow_migrate("replica", "grievances") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "grievances") is True
    with reading_replica():
        assert router.db_for_write(Category) == DEFAULT_DB_ALIAS
