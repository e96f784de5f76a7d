"""16 simultaneous attempts at the same transition: exactly one succeeds (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from conftest import build_world
from safegrid.core.exceptions import TransitionNotAllowed
from safegrid.core.models import AuditEntry
from safegrid.hazards import services
from safegrid.hazards.models import Hazard, HazardEvent

pytestmark = pytest.mark.django_db(transaction=True)

K = 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it there)")
def test_sixteen_simultaneous_escalations_one_wins():
    world = build_world()
    hazard_pk = world.hazards["g11"].pk
    actor_pk = world.users["township1"].pk
    barrier = threading.Barrier(K)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt():
        from safegrid.accounts.models import User

        try:
            actor = User.objects.get(pk=actor_pk)
            hazard = Hazard.objects.get(pk=hazard_pk)
            barrier.wait()
            services.hazard_escalate(
                actor=actor, hazard=hazard, reason="并发提级", expected_version=hazard.version
            )
            result = "ok"
        except TransitionNotAllowed:
            result = "conflict"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(K)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["conflict"] * (K - 1) + ["ok"]
    hazard = Hazard.objects.get(pk=hazard_pk)
    assert (hazard.level, hazard.version) == (2, 2)
    assert HazardEvent.objects.filter(hazard_id=hazard_pk, action="escalate").count() == 1
    assert AuditEntry.objects.filter(action="hazard.escalate").count() == 1
