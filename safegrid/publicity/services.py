"""Writes for publicity (宣传): the annual plan of a county and its months, and activities.

Each service takes the acting user, runs in one transaction, validates (`full_clean`), checks the
capability and scope by re-selecting through `visible_to(actor, capability)` (NotInScope → 404) and
writes exactly one audit record for its own change. Photos given with an activity are stored by the
attachments service in the same transaction, which records each file it adds ("attachment.add"),
as it does for a hazard reported with photos."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.core.services import model_update
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from .choices import ACTIVITY_REGION_KINDS, MONTH_DEFAULTS, MONTHS, Channel
from .models import Activity, PlanMonth, PublicityPlan


def _strip(value: Any) -> str:
    return (value or "").strip()


def _pks(objects: Iterable[Any]) -> list[int]:
    return sorted(o.pk for o in objects)


# ---- plans ------------------------------------------------------------------------------------


def _manageable_region(actor, region: Region) -> None:
    """The actor may keep the plans of this region (MANAGE_PUBLICITY_PLAN at or above it)."""
    if not Region.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))


def _locked_plan(actor, plan: PublicityPlan) -> PublicityPlan:
    locked = (
        PublicityPlan.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN)
        .select_for_update()
        .filter(pk=plan.pk)
        .first()
    )
    if locked is None:
        raise NotInScope(_("未找到。"))
    return locked


def default_plan_title(*, region: Region, year: int) -> str:
    return _("%(year)s年%(region)s安全生产宣传工作计划") % {"year": year, "region": region.name}


@transaction.atomic
def publicity_plan_create(
    *, actor, region: Region, year: int, title: str = "", note: str = ""
) -> PublicityPlan:
    """Create the annual publicity plan of a county with its twelve months, each given the default
    theme and content of the national safety calendar (June 安全生产月, 12 May 防灾减灾日 …).
    One audit record ("publicity_plan.create"). NotInScope when the actor may not keep the plans of
    the region; ValidationError (Chinese) for a region that is not a county, a year out of range or a
    second plan for the same county and year."""
    _manageable_region(actor, region)
    if region.kind != RegionKind.COUNTY:
        raise ValidationError({"region": _("年度宣传计划由县（区）制定，请选择县级区划。")})
    # Stored text is in the county's language, whatever language the page is shown in.
    with translation.override(settings.LANGUAGE_CODE):
        default_title = default_plan_title(region=region, year=year)
        defaults = {month: (str(theme), str(content)) for month, (theme, content) in MONTH_DEFAULTS.items()}
    plan = PublicityPlan(
        region=region,
        region_path=region.path,
        year=year,
        title=_strip(title) or default_title,
        note=_strip(note),
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    months = [
        PlanMonth(plan=plan, month=month, theme=theme, content=content)
        for month, (theme, content) in defaults.items()
    ]
    for month in months:
        month.full_clean(validate_constraints=False)  # a brand-new plan has no months yet
    PlanMonth.objects.bulk_create(months)
    if not PublicityPlan.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN).filter(pk=plan.pk).exists():
        raise NotInScope(_("未找到。"))
    audit_record(
        actor=actor,
        action="publicity_plan.create",
        obj=plan,
        changes={"region": [None, region.pk], "year": [None, year]},
    )
    return plan


PLAN_EDITABLE = ["title", "note"]


@transaction.atomic
def publicity_plan_update(*, actor, plan: PublicityPlan, data: dict[str, Any]) -> PublicityPlan:
    """Edit a plan's title and note (county and year are fixed). One audit record
    ("publicity_plan.update") when something changed; NotInScope outside the actor's scope."""
    locked = _locked_plan(actor, plan)
    cleaned = {k: _strip(v) for k, v in data.items() if k in PLAN_EDITABLE}
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError({"title": _("请填写计划名称。")})
    changes = model_update(instance=locked, fields=PLAN_EDITABLE, data=cleaned)
    if changes:
        audit_record(actor=actor, action="publicity_plan.update", obj=locked, changes=changes)
    return locked


def _check_units(*, actor, plan: PublicityPlan, units: Iterable[Organisation]) -> list[Organisation]:
    units = list(units)
    visible = set(
        Organisation.objects.visible_to(actor, Cap.MANAGE_PUBLICITY_PLAN, write=False)
        .filter(pk__in=[u.pk for u in units], region_path__startswith=plan.region_path)
        .values_list("pk", flat=True)
    )
    if any(u.pk not in visible for u in units):
        raise ValidationError({"responsible_units": _("责任单位应为本县（区）的组织机构。")})
    return units


@transaction.atomic
def plan_month_update(
    *,
    actor,
    plan: PublicityPlan,
    month: int,
    theme: str | None = None,
    content: str | None = None,
    responsible_units: Iterable[Organisation] | None = None,
    planned_activities: int | None = None,
) -> PlanMonth:
    """Edit one month of a plan: theme, content, responsible units (organisations of the plan's
    county) and the number of activities planned. Only the arguments given change. One audit record
    ("publicity_plan.month_update") when something changed."""
    locked = _locked_plan(actor, plan)
    if not isinstance(month, int) or month not in MONTHS:
        raise ValidationError({"month": _("月份应为 1 至 12。")})
    row = PlanMonth.objects.select_for_update().get(plan=locked, month=month)
    data: dict[str, Any] = {}
    if theme is not None:
        data["theme"] = _strip(theme)
    if content is not None:
        data["content"] = _strip(content)
    if planned_activities is not None:
        if int(planned_activities) < 0:
            raise ValidationError({"planned_activities": _("计划活动次数不能为负数。")})
        data["planned_activities"] = int(planned_activities)
    changes = model_update(instance=row, fields=["theme", "content", "planned_activities"], data=data)
    if responsible_units is not None:
        units = _check_units(actor=actor, plan=locked, units=responsible_units)
        before = _pks(row.responsible_units.all())
        if _pks(units) != before:
            row.responsible_units.set(units)
            changes["responsible_units"] = [before, _pks(units)]
    if changes:
        audit_record(
            actor=actor,
            action="publicity_plan.month_update",
            obj=locked,
            changes={"month": [month, month], **changes},
        )
    return row


# ---- activities -------------------------------------------------------------------------------


def _check_place(*, actor, region: Region, organiser: Organisation) -> None:
    """Region and organiser are ones the actor may use, the region lies in the organiser's subtree
    and the actor may record for the organiser's sector."""
    if not Region.objects.visible_to(actor, Cap.RECORD_PUBLICITY).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))
    organisers = Organisation.objects.visible_to(actor, Cap.RECORD_PUBLICITY, write=False)
    if not organisers.filter(pk=organiser.pk).exists():
        raise NotInScope(_("未找到。"))
    if region.kind not in ACTIVITY_REGION_KINDS:
        raise ValidationError({"region": _("活动地点应为县（区）、乡镇（街道）或网格。")})
    if not region.path.startswith(organiser.region_path):
        raise ValidationError({"region": _("活动地点应在组织单位的辖区内。")})
    sector_id = organiser.sector_id
    if not any(
        g.site_id is None
        and Cap.RECORD_PUBLICITY in g.capabilities
        and region.path.startswith(g.path)
        and (g.sector_ids is None or sector_id in g.sector_ids)
        for g in actor.grants
    ):
        raise ValidationError({"organiser": _("请选择您所负责行业领域的组织单位。")})


def _check_sites(*, actor, region: Region, sites: Iterable[Site], channel: str) -> list[Site]:
    sites = list(sites)
    visible = set(
        Site.objects.visible_to(actor, Cap.RECORD_PUBLICITY, write=False)
        .filter(pk__in=[s.pk for s in sites])
        .values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in sites):
        raise ValidationError({"sites_visited": _("走访场所不在您的职责范围内。")})
    if any(not s.region_path.startswith(region.path) for s in sites):
        raise ValidationError({"sites_visited": _("走访场所应位于活动地点（区划）内。")})
    if channel == Channel.ENTERPRISE_VISIT and not sites:
        raise ValidationError({"sites_visited": _("进企业宣传请选择走访的场所。")})
    return sites


def _check_date(date: datetime.date) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("活动日期不能晚于今天。")})


def _attach_photos(*, actor, activity: Activity, photos: Sequence) -> None:
    """Activity photos go with the write that brings them, in its transaction: every file is checked
    before any is stored, and a bad one undoes the whole write (ValidationError on `photos`)."""
    if not photos:
        return
    from safegrid.attachments.choices import AttachmentKind
    from safegrid.attachments.services import attachments_add_many

    try:
        attachments_add_many(actor=actor, uploads=list(photos), kind=AttachmentKind.PHOTO, activity=activity)
    except ValidationError as exc:
        # The attachments service names the upload `file`; on these forms the field is `photos`.
        raise ValidationError({"photos": exc.messages}) from exc


def _visible_for_writing(actor, activity: Activity) -> Activity:
    row = Activity.objects.visible_to(actor, Cap.RECORD_PUBLICITY).filter(pk=activity.pk).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return row


@transaction.atomic
def activity_record(
    *,
    actor,
    title: str,
    channel: str,
    organiser: Organisation,
    region: Region,
    date: datetime.date | None = None,
    audience_count: int = 0,
    sites_visited: Iterable[Site] = (),
    description: str = "",
    photos: Sequence = (),
) -> Activity:
    """Record a publicity activity held by `organiser` in `region` (a county, township or grid of
    the organiser's subtree) on `date` (default today, Asia/Shanghai; never in the future). Enterprise
    visits name the sites visited, each visible to the actor and inside the region. Scope keys are
    copied from the region (path) and the organiser (sector). `photos` (uploaded files, JPEG, PNG or
    WebP) are stored as the activity's photos in the same transaction. One audit record
    ("activity.record"), plus the attachments service's one per photo ("attachment.add").
    NotInScope for a region or organiser outside the actor's scope; ValidationError (Chinese)
    otherwise, also for any bad photo (then nothing is written)."""
    _check_place(actor=actor, region=region, organiser=organiser)
    date = date or timezone.localdate()
    _check_date(date)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("宣传形式无效。")})
    sites = _check_sites(actor=actor, region=region, sites=sites_visited, channel=channel)
    activity = Activity(
        date=date,
        title=_strip(title),
        channel=channel,
        organiser=organiser,
        region=region,
        region_path=region.path,
        sector_id=organiser.sector_id,
        audience_count=audience_count,
        description=_strip(description),
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    activity.sites_visited.set(sites)
    activity = _visible_for_writing(actor, activity)
    _attach_photos(actor=actor, activity=activity, photos=photos)
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        changes={
            "channel": [None, channel],
            "organiser": [None, organiser.pk],
            "region": [None, region.pk],
            "audience_count": [None, audience_count],
            "sites_visited": [None, _pks(sites)],
        },
    )
    return activity


ACTIVITY_EDITABLE = ["date", "title", "channel", "organiser", "region", "audience_count", "description"]


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: dict[str, Any], photos: Sequence = ()) -> Activity:
    """Correct an activity the actor may record in: any of its fields, with the same rules as
    `activity_record`; the scope keys follow a new region or organiser, and the result must stay in
    the actor's scope. One audit record ("activity.update") when a field changed. `photos` are
    added to the activity's photos (existing ones stay), checked and stored like
    `activity_record`'s, each recorded by the attachments service; photos alone change no field,
    so they leave no "activity.update" record."""
    row = (
        Activity.objects.visible_to(actor, Cap.RECORD_PUBLICITY)
        .select_for_update()
        .filter(pk=activity.pk)
        .first()
    )
    if row is None:
        raise NotInScope(_("未找到。"))
    data = {k: v for k, v in data.items() if k in [*ACTIVITY_EDITABLE, "sites_visited"]}
    for key in ("title", "description"):
        if key in data:
            data[key] = _strip(data[key])
    region = data.get("region", row.region)
    organiser = data.get("organiser", row.organiser)
    channel = data.get("channel", row.channel)
    if "region" in data or "organiser" in data:
        _check_place(actor=actor, region=region, organiser=organiser)
    if "date" in data:
        if data["date"] is None:
            raise ValidationError({"date": _("请填写活动日期。")})
        _check_date(data["date"])
    if channel not in Channel.values:
        raise ValidationError({"channel": _("宣传形式无效。")})
    current_sites = list(row.sites_visited.all())
    sites = _check_sites(
        actor=actor, region=region, sites=data.get("sites_visited", current_sites), channel=channel
    )
    data["region_path"] = region.path
    data["sector_id"] = organiser.sector_id
    changes = model_update(instance=row, fields=[*ACTIVITY_EDITABLE, "region_path", "sector_id"], data=data)
    if _pks(sites) != _pks(current_sites):
        row.sites_visited.set(sites)
        changes["sites_visited"] = [_pks(current_sites), _pks(sites)]
    if changes:
        _visible_for_writing(actor, row)
    # Added after the change, against the activity as it now stands in the actor's scope.
    _attach_photos(actor=actor, activity=row, photos=photos)
    if changes:
        audit_record(actor=actor, action="activity.update", obj=row, changes=changes)
    return row
