"""The overdue sweep through one real Celery worker against Redis (CI runs this on PostgreSQL,
where the worker process and the test share the committed test database)."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from conftest import build_world
from safegrid.hazards.models import Hazard

pytestmark = pytest.mark.django_db(transaction=True)
BROKER = os.environ.get("SAFEGRID_TEST_BROKER", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[3]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _skip_or_fail(reason: str):
    if os.environ.get("SAFEGRID_REQUIRE_WORKER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def test_sweep_runs_on_a_real_worker():
    if connection.vendor != "postgresql":
        _skip_or_fail("the worker test needs PostgreSQL (a database the worker process can share)")
    if not _redis_up():
        _skip_or_fail("Redis is not running on 127.0.0.1:6379")
    world = build_world()
    hazard = world.hazards["g11"]
    Hazard.objects.filter(pk=hazard.pk).update(
        status="assigned",
        deadline=datetime.date(2000, 1, 1),
        responsible_person="王",
        responsible_org=world.org_t1,
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # The test talks to the worker as any producer would: by task name over the broker.
    from celery import Celery

    client = Celery("safegrid-test-client", broker=BROKER, backend=BROKER)
    try:
        first = client.send_task("safegrid.hazards.tasks.overdue_sweep").get(timeout=90)
        second = client.send_task("safegrid.hazards.tasks.overdue_sweep").get(timeout=60)
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        time.sleep(0.2)
    assert first == {"escalated": 1, "noticed": 0}
    assert second == {"escalated": 0, "noticed": 0}
    hazard.refresh_from_db()
    assert (hazard.status, hazard.level) == ("reported", 2)
