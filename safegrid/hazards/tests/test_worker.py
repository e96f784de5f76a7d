"""The overdue sweep through one real Celery worker against Redis (CI runs this on PostgreSQL,
where the worker process and the test share the committed test database)."""

from __future__ import annotations

import datetime

import pytest

from conftest import build_world
from safegrid.hazards.models import Hazard
from tests.celery_worker import require_worker, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_sweep_runs_on_a_real_worker():
    require_worker()
    world = build_world()
    hazard = world.hazards["g11"]
    Hazard.objects.filter(pk=hazard.pk).update(
        status="assigned",
        deadline=datetime.date(2000, 1, 1),
        responsible_person="王",
        responsible_org=world.org_t1,
    )
    with running_worker() as client:
        first = client.send_task("safegrid.hazards.tasks.overdue_sweep").get(timeout=90)
        second = client.send_task("safegrid.hazards.tasks.overdue_sweep").get(timeout=60)
    assert first == {"escalated": 1, "noticed": 0}
    assert second == {"escalated": 0, "noticed": 0}
    hazard.refresh_from_db()
    assert (hazard.status, hazard.level) == ("reported", 2)
