"""An export job run by one real Celery worker against Redis: the job queued by a page is picked up
by task name, runs as its owner in a separate process, and leaves its workbook in the shared private
storage (CI runs this on PostgreSQL; see tests/celery_worker.py)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import build_world
from safegrid.hazards.models import Hazard
from safegrid.jobs.models import Job, JobKind, JobStatus
from safegrid.notifications.models import Notification, NotificationKind
from tests.celery_worker import CACHE, require_worker, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_export_job_runs_on_a_real_worker(settings):
    require_worker()
    world = build_world()
    owner = world.users["township1"]
    job = Job.objects.create(
        owner=owner,
        kind=JobKind.EXPORT,
        title="导出：隐患",
        params={"path": reverse("hazards:hazard_list"), "query": "", "language": "zh-hans"},
    )
    with running_worker(SAFEGRID_MEDIA_ROOT=str(settings.MEDIA_ROOT), SAFEGRID_CACHE_URL=CACHE) as client:
        status = client.send_task("safegrid.jobs.tasks.run_job", args=[job.pk]).get(timeout=90)
        again = client.send_task("safegrid.jobs.tasks.run_job", args=[job.pk]).get(timeout=60)
    assert (status, again) == (JobStatus.SUCCEEDED, JobStatus.SUCCEEDED)
    job.refresh_from_db()
    want = sorted(Hazard.objects.filter(region_path__startswith=world.t1.path).values_list("pk", flat=True))
    assert (job.done, job.total) == (len(want), len(want))
    with job.result_file.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == want
    # Run twice (a redelivered task), told once.
    assert Notification.objects.filter(job=job, kind=NotificationKind.JOB_DONE).count() == 1
