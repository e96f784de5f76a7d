"""The bulletin download: the dashboard's period, the dashboard's capability, a .docx attachment."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from safegrid.accounts.roles import Cap
from safegrid.core.exports import content_disposition
from safegrid.core.views import CapabilityRequiredMixin

from .bulletin import bulletin_docx, bulletin_filename
from .forms import PeriodForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BulletinView(CapabilityRequiredMixin, View):
    """安全生产工作简报 for the period of the dashboard's form (GET), in the actor's scope. An
    invalid period gets the dashboard's message with status 400."""

    capability = Cap.VIEW_HAZARD

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        form = PeriodForm(request.GET, today=today)
        if not form.is_valid():
            errors = "".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponse(
                _("统计周期无效：") + errors, status=400, content_type="text/plain; charset=utf-8"
            )
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        content = bulletin_docx(actor=request.user, date_from=date_from, date_to=date_to, today=today)
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = content_disposition(bulletin_filename(date_from, date_to))
        return response
