from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Job


def job_list(*, actor) -> QuerySet[Job]:
    return Job.objects.visible_to(actor)


def job_get(*, actor, pk) -> Job:
    """The actor's own job, else 404 (another user's job does not exist for them)."""
    try:
        return job_list(actor=actor).get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到。")) from exc
