"""Read-only figures for the home page and (later) dashboards, built on the scoped selectors so
that every count equals the count of rows the actor could list."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from safegrid.accounts import selectors as account_selectors
from safegrid.accounts.roles import Cap, Role
from safegrid.core.scope import grants_for
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.choices import RegionKind
from safegrid.sites import selectors as site_selectors


@dataclass
class Figure:
    label: str
    value: int | float
    url: str = ""


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


ROLE_GREETING = {
    Role.COUNTY_LEADER: gettext_lazy("全县安全生产总览"),
    Role.COUNTY_OFFICE: gettext_lazy("县安委办工作台"),
    Role.SECTOR_OFFICER: gettext_lazy("行业监管工作台"),
    Role.TOWNSHIP_OFFICER: gettext_lazy("乡镇安全监管工作台"),
    Role.GRID_WORKER: gettext_lazy("我的网格"),
    Role.ENTERPRISE_MANAGER: gettext_lazy("本单位安全管理"),
    Role.EXPERT: gettext_lazy("专家服务"),
    Role.SYSTEM_ADMIN: gettext_lazy("系统配置"),
    Role.SECURITY_ADMIN: gettext_lazy("账号与安全策略"),
    Role.AUDIT_ADMIN: gettext_lazy("安全审计"),
    Role.SUPERVISOR: gettext_lazy("辖区安全生产监管总览"),
}


def _hazard_panel(*, actor) -> Panel:
    """The hazard loop at a glance: this year's found / rectified / rate, and today's work lists."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from safegrid.hazards import selectors as hazard_selectors
    from safegrid.hazards.choices import DEADLINE_STATUSES, HazardStatus

    today = timezone.localdate()
    year_start = timezone.make_aware(datetime.datetime(today.year, 1, 1))
    hazards = hazard_selectors.hazard_list(actor=actor)
    figures = hazards.aggregate(
        found=Count("id", filter=Q(reported_at__gte=year_start)),
        closed=Count("id", filter=Q(reported_at__gte=year_start, status=HazardStatus.CLOSED)),
        overdue=Count("id", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
    )
    rate = round(100 * figures["closed"] / figures["found"], 1) if figures["found"] else 0
    base = reverse("hazards:hazard_list")
    since = f"reported_from={today.year}-01-01"
    queue_figures = [
        Figure(
            pgettext("home", "待交办"),
            hazard_selectors.hazard_queue(actor=actor, queue="to_assign").count(),
            f"{base}?queue=to_assign",
        ),
        Figure(
            pgettext("home", "待复查"),
            hazard_selectors.hazard_queue(actor=actor, queue="to_verify").count(),
            f"{base}?queue=to_verify",
        ),
    ]
    if grants_for(actor, Cap.RECTIFY_HAZARD):
        queue_figures = [
            Figure(
                pgettext("home", "待整改"),
                hazard_selectors.hazard_queue(actor=actor, queue="to_rectify").count(),
                f"{base}?queue=to_rectify",
            )
        ]
    return Panel(
        pgettext("home", "隐患排查治理"),
        [
            Figure(pgettext("home", "本年发现"), figures["found"], f"{base}?{since}"),
            Figure(pgettext("home", "本年已整改"), figures["closed"], f"{base}?{since}&status=closed"),
            Figure(pgettext("home", "整改率（%）"), rate, f"{base}?{since}"),
            Figure(pgettext("home", "已逾期"), figures["overdue"], f"{base}?queue=overdue"),
            *queue_figures,
        ],
    )


def home_panels(*, actor) -> list[Panel]:
    panels: list[Panel] = []
    if grants_for(actor, Cap.VIEW_HAZARD):
        panels.append(_hazard_panel(actor=actor))
    if grants_for(actor, Cap.VIEW_SITE):
        sites = site_selectors.site_list(actor=actor)
        counts = sites.aggregate(
            total=Count("id"),
            key=Count("id", filter=Q(is_key=True)),
            enterprises=Count("id", filter=Q(category="enterprise")),
        )
        panels.append(
            Panel(
                pgettext("home", "场所"),
                [
                    Figure(pgettext("home", "场所总数"), counts["total"], "/sites/"),
                    Figure(pgettext("home", "重点场所"), counts["key"], "/sites/?is_key=true"),
                    Figure(pgettext("home", "企业"), counts["enterprises"], "/sites/?category=enterprise"),
                ],
            )
        )
    if grants_for(actor, Cap.VIEW_REGION):
        regions = org_selectors.region_list(actor=actor).aggregate(
            townships=Count("id", filter=Q(kind=RegionKind.TOWNSHIP)),
            grids=Count("id", filter=Q(kind=RegionKind.GRID)),
        )
        figures = [
            Figure(pgettext("home", "网格"), regions["grids"], f"/orgs/regions/?kind={RegionKind.GRID}")
        ]
        if regions["townships"]:
            figures.insert(
                0,
                Figure(
                    pgettext("home", "乡镇（街道）"),
                    regions["townships"],
                    f"/orgs/regions/?kind={RegionKind.TOWNSHIP}",
                ),
            )
        figures.append(
            Figure(
                pgettext("home", "行业领域"), org_selectors.sector_list(actor=actor).count(), "/orgs/sectors/"
            )
        )
        panels.append(Panel(pgettext("home", "区划与责任"), figures))
    if grants_for(actor, Cap.VIEW_USER):
        users = account_selectors.user_list(actor=actor)
        panels.append(
            Panel(
                pgettext("home", "账号"),
                [
                    Figure(pgettext("home", "可见账号"), users.count(), "/accounts/users/"),
                    Figure(
                        pgettext("home", "停用账号"),
                        users.filter(is_active=False).count(),
                        "/accounts/users/?is_active=false",
                    ),
                ],
            )
        )
    if grants_for(actor, Cap.VIEW_AUDIT):
        from safegrid.core.selectors import audit_entry_list

        panels.append(
            Panel(
                pgettext("home", "审计"),
                [Figure(pgettext("home", "审计记录"), audit_entry_list(actor=actor).count(), "/audit/")],
            )
        )
    return panels


def home_title(*, actor) -> str:
    for role in Role:
        if role in actor.roles:
            return ROLE_GREETING[role]
    return _("工作台")
