"""The bulletin download: the dashboard's period, the dashboard's capability, a .docx attachment.

Over a scope holding more than SAFEGRID_BULLETIN_INLINE_HAZARDS hazards (a province) the figures
take longer than a request should: the GET then offers a background job, which a POST starts."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from safegrid.accounts.roles import Cap
from safegrid.core.exports import content_disposition
from safegrid.core.views import CapabilityRequiredMixin
from safegrid.hazards.selectors import hazard_list
from safegrid.jobs import services as job_services
from safegrid.jobs.models import JobKind
from safegrid.jobs.views import offer_job

from .bulletin import bulletin_docx, bulletin_filename
from .forms import PeriodForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def inline_hazards() -> int:
    return int(getattr(settings, "SAFEGRID_BULLETIN_INLINE_HAZARDS", 200_000))


class BulletinView(CapabilityRequiredMixin, View):
    """安全生产工作简报 for the period of the dashboard's form (GET), in the actor's scope. An
    invalid period gets the dashboard's message with status 400."""

    capability = Cap.VIEW_HAZARD

    def period(self):
        """(date_from, date_to, today) or an HttpResponse explaining why the period is invalid."""
        today = timezone.localdate()
        form = PeriodForm(self.request.GET, today=today)
        if not form.is_valid():
            errors = "".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponse(
                _("统计周期无效：") + errors, status=400, content_type="text/plain; charset=utf-8"
            )
        return form.cleaned_data["date_from"], form.cleaned_data["date_to"], today

    def get(self, request, *args, **kwargs):
        period = self.period()
        if isinstance(period, HttpResponse):
            return period
        date_from, date_to, today = period
        hazards = hazard_list(actor=request.user).count()
        if hazards > inline_hazards():
            return offer_job(
                request,
                title=_("生成简报"),
                description=_(
                    "您的范围内共有隐患 %(count)s 处，简报需要较长时间统计，将在后台生成，"
                    "完成后发送站内消息通知您下载。"
                )
                % {"count": hazards},
                back_url=reverse("reports:dashboard"),
            )
        content = bulletin_docx(actor=request.user, date_from=date_from, date_to=date_to, today=today)
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = content_disposition(bulletin_filename(date_from, date_to))
        return response

    def post(self, request, *args, **kwargs):
        period = self.period()
        if isinstance(period, HttpResponse):
            return period
        date_from, date_to, today = period
        job = job_services.job_start(
            actor=request.user,
            kind=JobKind.BULLETIN,
            title=bulletin_filename(date_from, date_to).removesuffix(".docx"),
            params={
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "today": today.isoformat(),
            },
        )
        return HttpResponseRedirect(job.get_absolute_url())
