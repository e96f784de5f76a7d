from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from safegrid.core.audit import note_scope_denial

from .models import Job


def job_list(*, actor) -> QuerySet[Job]:
    return Job.objects.visible_to(actor)


def job_get(*, actor, pk) -> Job:
    """The actor's own job, else 404 (another user's job does not exist for them; it is noted as a
    scope denial for the audit trail, core.audit)."""
    try:
        return job_list(actor=actor).get(pk=pk)
    except Job.DoesNotExist as exc:
        note_scope_denial(Job, pk)
        raise Http404(_("未找到。")) from exc
    except (ValueError, TypeError) as exc:
        raise Http404(_("未找到。")) from exc
