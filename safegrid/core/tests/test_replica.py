"""Read-replica routing (safegrid/core/replica.py): which reads go to the replica, and which pages
ask for it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from safegrid.core import replica
from safegrid.hazards.models import Hazard

ROUTER = replica.ReplicaRouter()

# transactional_db: the tests must see the connection as a request does, outside any transaction
# (the `db` fixture wraps each test in one, and reads inside a transaction stay on the primary).


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_from_the_primary(transactional_db):
    with replica.reading_from_replica():
        assert ROUTER.db_for_read(Hazard) is None


def test_reads_go_to_the_replica_only_inside_the_block(transactional_db, with_replica):
    assert ROUTER.db_for_read(Hazard) is None
    with replica.reading_from_replica():
        assert ROUTER.db_for_read(Hazard) == replica.REPLICA
    assert ROUTER.db_for_read(Hazard) is None


def test_a_transaction_on_the_primary_reads_its_own_state(transactional_db, with_replica):
    with replica.reading_from_replica(), transaction.atomic():
        assert ROUTER.db_for_read(Hazard) is None


def test_writes_and_migrations_stay_on_the_primary(transactional_db, with_replica):
    with replica.reading_from_replica():
        assert ROUTER.db_for_write(Hazard) == "default"
    assert ROUTER.allow_migrate("default", "hazards") is True
    assert ROUTER.allow_migrate(replica.REPLICA, "hazards") is False


@pytest.mark.parametrize(
    ("route", "on_replica"),
    [
        ("reports:dashboard", True),
        ("reports:bulletin", True),
        ("reports:risk_map_data", True),
        ("reports:screen_data", True),
        ("reports:home", False),  # the landing page shows the user's own work lists: primary
        ("hazards:hazard_list", False),
    ],
)
def test_aggregate_pages_use_the_replica(
    transactional_db, world, client, with_replica, monkeypatch, route, on_replica
):
    """The view of each aggregate page runs inside the replica block (seen from the router while the
    page is built); the pages people act on do not."""
    seen = []
    original = ROUTER.db_for_read

    def spy(self, model, **hints):
        seen.append(original(model, **hints))
        return None  # in the test the replica alias does not exist: read from the primary

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)
    client.force_login(world.users["office"])
    response = client.get(reverse(route))
    assert response.status_code == 200, resolve(reverse(route)).url_name
    assert (replica.REPLICA in seen) is on_replica
