"""The command screen (大屏): a full-screen, dark page for the county command centre, and the JSON it
polls every minute to update its numbers in place.

Every figure comes from `statistics.figures` (this month for the activity counts, this year for the
hazards found, rectified and major, "as of today" for overdue and escalated), so the screen equals
the dashboard and the independent counts proven in test_statistics.py. The one figure of its own,
the open hazards, is the hazard list's `is_open=true` count. The four-colour map is drawn from the
risk map's own data endpoint (reports:risk_map_data)."""

from __future__ import annotations

import datetime

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from safegrid.accounts.roles import Cap
from safegrid.core.scope import grants_for
from safegrid.core.views import CapabilityRequiredMixin
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards.choices import HazardStatus

from . import statistics

REFRESH_SECONDS = 60
LIST_LIMIT = 8

# The month's activity tiles: (figure name, label); a tile whose figure is None (the role may not
# see that kind of record) is left out.
MONTH_FIGURES = (
    "inspections",
    "places_inspected",
    "trainings",
    "training_person_times",
    "drills",
    "drill_participants",
    "publicity_activities",
    "enterprise_visits",
    "lectures",
)


def month_labels() -> dict[str, str]:
    return {
        "inspections": _("检查次数"),
        "places_inspected": _("检查场所"),
        "trainings": _("培训场次"),
        "training_person_times": _("培训人次"),
        "drills": _("应急演练"),
        "drill_participants": _("演练参与人数"),
        "publicity_activities": _("宣传活动"),
        "enterprise_visits": _("走进企业"),
        "lectures": _("专题讲座"),
    }


def month_span(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = today.replace(day=1)
    nxt = datetime.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def _hazard_row(hazard, today: datetime.date) -> dict:
    return {
        "id": hazard.pk,
        "number": hazard.number,
        "site": hazard.site.name,
        "level": hazard.level,
        "level_label": hazard.get_level_display(),
        "status_label": hazard.get_status_display(),
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "days_overdue": (today - hazard.deadline).days if hazard.deadline and hazard.deadline < today else 0,
        "url": hazard.get_absolute_url(),
    }


def screen_data(*, actor, today: datetime.date | None = None) -> dict:
    """Everything the screen shows, for the actor's scope, as plain JSON-able values."""
    today = today or timezone.localdate()
    first, last = month_span(today)
    month = statistics.figures(actor=actor, date_from=first, date_to=last, today=today)
    year = statistics.figures(
        actor=actor,
        date_from=datetime.date(today.year, 1, 1),
        date_to=datetime.date(today.year, 12, 31),
        today=today,
    )
    open_count = (
        hazard_selectors.hazard_list(actor=actor)
        .exclude(status=HazardStatus.CLOSED)
        .order_by()
        .values("pk")
        .count()
    )
    labels = month_labels()
    return {
        "today": today.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "refresh_seconds": REFRESH_SECONDS,
        "month": {"date_from": first.isoformat(), "date_to": last.isoformat()},
        "year": today.year,
        "hazards": {
            "open": open_count,
            "overdue": year.hazards_overdue,
            "escalated": year.hazards_escalated_open,
            "major": year.major_hazards,
            "found": year.hazards_found,
            "rectified": year.hazards_rectified,
            "rectification_rate": year.rectification_rate,
        },
        "activities": [
            {"name": name, "label": labels[name], "value": getattr(month, name)}
            for name in MONTH_FIGURES
            if getattr(month, name) is not None
        ],
        "overdue": [
            _hazard_row(h, today)
            for h in statistics.overdue_hazards(actor=actor, today=today, limit=LIST_LIMIT)
        ],
        "escalated": [
            _hazard_row(h, today) for h in statistics.escalated_open_hazards(actor=actor, limit=LIST_LIMIT)
        ],
    }


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class ScreenView(CapabilityRequiredMixin, TemplateView):
    """The command screen: its own dark, full-screen template (no navigation chrome)."""

    capability = Cap.VIEW_HAZARD
    template_name = "reports/screen.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor = self.request.user
        data = screen_data(actor=actor)
        context.update(
            title=_("安全生产指挥大屏"),
            data=data,
            rate_text=rate_text(data["hazards"]["rectification_rate"]),
            refresh_seconds=REFRESH_SECONDS,
            config={
                "dataUrl": reverse("reports:screen_data"),
                "mapUrl": reverse("reports:risk_map_data") if grants_for(actor, Cap.VIEW_RISK) else None,
                "refreshSeconds": REFRESH_SECONDS,
                "labels": {
                    "none": _("无"),
                    "overdueDays": _("逾期 %(n)s 天"),
                    "updated": _("数据更新于 %(t)s"),
                    "noPoints": _("无风险点"),
                    "sites": _("场所"),
                    "worst": _("最高等级"),
                    "sitesOmitted": _("场所较多（%(n)s 个），请选择县（区）或乡镇查看场所分布"),
                    "stale": _("数据刷新失败，显示的是上次数据"),
                },
            },
        )
        return context


class ScreenDataView(CapabilityRequiredMixin, View):
    """The screen's figures as JSON, polled by the page. Anonymous: 401 (a poll cannot follow a
    login redirect)."""

    capability = Cap.VIEW_HAZARD

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return JsonResponse({"code": "not_authenticated", "detail": _("请先登录。")}, status=401)
        return super().handle_no_permission()

    def get(self, request, *args, **kwargs):
        response = JsonResponse(screen_data(actor=request.user), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "no-store"
        return response
