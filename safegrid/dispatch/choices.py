"""Meeting bodies and kinds, action-item states, and the cadence rules of the dispatch mechanism
(调度机制, DESIGN.md §3 pillar 2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safegrid.hazards.choices import HandlingLevel


class MeetingBody(models.TextChoices):
    """Who meets: the county safety committee, its office, or one sector committee."""

    COUNTY_COMMITTEE = "county_committee", _("县安委会")
    COUNTY_OFFICE = "county_office", _("县安委办")
    SECTOR_COMMITTEE = "sector_committee", _("行业领域安委会")


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("全体会议")
    SPECIAL = "special", _("专题会议")
    DISPATCH = "dispatch", _("调度会")
    JOINT = "joint", _("联席会议")
    ON_SITE = "on_site", _("现场推进会")
    CONSULTATION = "consultation", _("会商研判会")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")


class ActionState(models.TextChoices):
    """The 督办 filter: open (not overdue), overdue (derived: deadline passed, still open), done."""

    OPEN = "open", _("办理中")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已办结")


class PeriodStatus(models.TextChoices):
    MET = "met", _("已达标")
    MISSED = "missed", _("未达标")
    IN_PROGRESS = "in_progress", _("进行中")
    FUTURE = "future", _("未开始")


# The hazard handling level (处置层级) each body decides at: the county committee takes level 4,
# the office level 3, a sector committee level 2 of its own sector.
BODY_LEVEL: dict[str, int] = {
    MeetingBody.COUNTY_COMMITTEE: HandlingLevel.COUNTY_COMMITTEE,
    MeetingBody.COUNTY_OFFICE: HandlingLevel.COUNTY_OFFICE,
    MeetingBody.SECTOR_COMMITTEE: HandlingLevel.SECTOR,
}

# Fixed cadence of the county bodies: the committee at least once a quarter, the office at least
# once a month (DESIGN.md §3). Sector committees follow `Sector.meetings_per_year`.
BODY_MEETINGS_PER_YEAR: dict[str, int] = {
    MeetingBody.COUNTY_COMMITTEE: 4,
    MeetingBody.COUNTY_OFFICE: 12,
}
