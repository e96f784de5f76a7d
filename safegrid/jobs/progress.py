"""Live progress of a running job.

An import writes its rows inside one transaction, so progress written to the job's row would stay
invisible to the page until the very end (and vanish with a rollback). Progress therefore goes to
the cache (Redis in production, shared by the workers and the web processes; SAFEGRID_CACHE_URL),
and to the row as well whenever the runner is outside a transaction."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection

from .models import Job

TIMEOUT = 24 * 3600
# At most one write per this many seconds, besides the first and the last.
INTERVAL = 0.5


def _key(job_id: int) -> str:
    return f"safegrid:job:{job_id}:progress"


class Progress:
    """`progress(done, total)`: called by a runner as often as it likes; writes are throttled."""

    def __init__(self, job: Job, *, interval: float = INTERVAL):
        self.job_id = job.pk
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and done and now - self._last < self.interval:
            return
        self._last = now
        cache.set(_key(self.job_id), (done, total), TIMEOUT)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(done=done, total=total)


def current(job: Job) -> tuple[int, int]:
    """(done, total) as far as anyone knows: the cache while the job runs, else the row."""
    if not job.finished:
        live = cache.get(_key(job.pk))
        if live is not None:
            return live
    return job.done, job.total


def forget(job: Job) -> None:
    cache.delete(_key(job.pk))
