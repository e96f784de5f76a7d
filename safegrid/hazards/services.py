"""The hazard closed loop (隐患闭环). Every state change is one named service that locks the row,
checks the transition table, the actor's level and scope, appends one timeline event and writes one
audit record, all in one transaction. Nothing else writes `status` or `level`."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.inspections.models import Criterion, Inspection
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from . import policies, tally
from .choices import TRANSITIONS, HandlingLevel, HazardAction, HazardGrade, HazardSource, HazardStatus
from .models import Hazard, HazardEvent


def _county_code(region_path: str) -> str:
    parts = [p for p in region_path.split("/") if p]
    return parts[2] if len(parts) > 2 else parts[-1]


def _add_event(
    *,
    hazard: Hazard,
    actor,
    action: str,
    from_status: str,
    from_level: int | None,
    note: str = "",
    data: dict | None = None,
) -> HazardEvent:
    return HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        from_level=from_level,
        to_level=hazard.level,
        actor=actor,
        note=note,
        data=data or {},
    )


def _full_clean_new(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """`full_clean` for a row about to be inserted: the same rules, in fewer queries.

    - A foreign key holding an instance read from the database (the site, the actor, a scoped
      inspection or criterion) is not looked up again: `full_clean` would run one `EXISTS` each for
      rows read a moment ago (the database's foreign key constraint still holds at commit).
    - When the model's constraints are all check constraints, they are evaluated together in one
      query instead of one query and one savepoint each; only when that says one fails (or cannot
      say) does Django check them one by one, so the error is exactly the one `full_clean` gives."""
    loaded = [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation
        and not field.remote_field.limit_choices_to  # that rule needs the lookup
        and field.is_cached(instance)
        and isinstance(related := field.get_cached_value(instance), models.Model)
        and not related._state.adding
        and related.pk is not None
    ]
    instance.full_clean(exclude=[*exclude, *loaded], validate_constraints=False)
    # A unique constraint on an excluded field is skipped, as Django's own validation skips it
    # (the hazard number is allocated after the insert).
    constraints = [
        c
        for c in instance._meta.constraints
        if not (isinstance(c, models.UniqueConstraint) and set(c.fields) & set(exclude))
    ]
    if constraints and all(isinstance(c, models.CheckConstraint) for c in constraints):
        condition = Q()
        for constraint in constraints:
            condition &= Q(constraint.condition)
        against = instance._get_field_expression_map(meta=instance._meta, exclude=set(exclude))
        using = router.db_for_write(type(instance), instance=instance)
        try:
            if _condition_holds(condition, against, using=using):
                return
        except FieldError:  # a constraint reads an excluded field: Django skips just that one
            pass
    instance.validate_constraints(exclude=set(exclude))


def _condition_holds(condition: Q, against: dict, *, using: str) -> bool:
    """`Q.check` (the query `CheckConstraint.validate` runs) without its savepoint: a `SELECT` of
    literals cannot fail where the `INSERT` that follows it would not."""
    from django.db.models import BooleanField, Value
    from django.db.models.functions import Coalesce
    from django.db.models.sql import Query
    from django.db.models.sql.constants import SINGLE

    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    query.add_annotation(Value(1), "_check")
    if connections[using].features.supports_comparing_boolean_expr:
        query.add_q(Q(Coalesce(condition, True, output_field=BooleanField())))
    else:
        query.add_q(condition)
    return query.get_compiler(using=using).execute_sql(SINGLE) is not None


# Set on a site by the API's report serializer, which looked it up among
# `Site.objects.visible_to(actor, Cap.REPORT_HAZARD)` for this very actor object (same request, same
# grants): the service's own scope check would run the same query again.
_REPORT_SCOPE_CHECKED_FOR = "_safegrid_report_scope_checked_for"


def site_mark_report_scope_checked(*, site: Site, actor) -> Site:
    """Record that `site` was just read through the report scope of `actor` (see `_site_for_report`)."""
    setattr(site, _REPORT_SCOPE_CHECKED_FOR, actor)
    return site


def _site_for_report(actor, site: Site) -> Site:
    if actor is not None and getattr(site, _REPORT_SCOPE_CHECKED_FOR, None) is actor:
        return site
    if not Site.objects.visible_to(actor, Cap.REPORT_HAZARD).filter(pk=site.pk).exists():
        raise NotInScope(_("未找到。"))
    return site


@transaction.atomic
def hazard_report(
    *,
    actor,
    site: Site,
    description: str,
    category: str,
    grade: str = HazardGrade.GENERAL,
    source: str = HazardSource.PATROL,
    location: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    inspection: Inspection | None = None,
    reported_at: datetime.datetime | None = None,
    photos: Sequence = (),
    criterion: Criterion | None = None,
) -> Hazard:
    """Report a hazard found at a site in the actor's scope. It starts at the reporter's handling
    level (a major hazard at sector level at least), status 已上报, awaiting assignment. A hazard
    citing a major-hazard criterion (判定标准条款) is major whatever grade was proposed."""
    hazard = _report(
        actor=actor,
        site=site,
        description=description,
        category=category,
        grade=grade,
        source=source,
        location=location,
        longitude=longitude,
        latitude=latitude,
        inspection=inspection,
        reported_at=reported_at,
        photos=photos,
        criterion=criterion,
    )
    _audit_report(actor=actor, hazard=hazard)
    return hazard


def _audit_report(*, actor, hazard: Hazard) -> None:
    audit_record(
        actor=actor,
        action="hazard.report",
        obj=hazard,
        changes={
            "status": [None, HazardStatus.REPORTED],
            "level": [None, hazard.level],
            "grade": [None, hazard.grade],
            "criterion": [None, hazard.criterion_id],
        },
    )


def _report(
    *,
    actor,
    site: Site,
    description: str,
    category: str,
    grade: str = HazardGrade.GENERAL,
    source: str = HazardSource.PATROL,
    location: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    inspection: Inspection | None = None,
    reported_at: datetime.datetime | None = None,
    photos: Sequence = (),
    criterion: Criterion | None = None,
) -> Hazard:
    """`hazard_report` without its audit record, which the callers write last: the audit insert
    takes the chain's lock until commit (core/audit.py), so nothing should follow it."""
    site = _site_for_report(actor, site)
    if inspection is not None and inspection.site_id != site.pk:
        raise ValidationError({"inspection": _("检查记录与场所不一致。")})
    if criterion is not None and criterion.is_major:
        grade = HazardGrade.MAJOR
    hazard = Hazard(
        number=uuid.uuid4().hex,  # replaced by the real number once the id is known
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        inspection=inspection,
        criterion=criterion,
        source=source,
        category=category,
        grade=grade,
        description=(description or "").strip(),
        location=location,
        longitude=longitude,
        latitude=latitude,
        reported_by=actor,
        reported_at=reported_at or timezone.now(),
        level=policies.initial_level(actor, major=grade == HazardGrade.MAJOR),
    )
    _full_clean_new(hazard, exclude=["number"])
    hazard.pk = _reserve_hazard_id()
    if hazard.pk is not None:
        hazard.number = _hazard_number(hazard)
        hazard.save(force_insert=True)
    else:
        hazard.save()
        hazard.number = _hazard_number(hazard)
        hazard.save(update_fields=["number"])
    tally.record_change(None, tally.state_of(hazard))
    event = _add_event(
        hazard=hazard,
        actor=actor,
        action=HazardAction.REPORT,
        from_status="",
        from_level=None,
        note=hazard.description[:200],
    )
    _attach(actor=actor, hazard=hazard, event=event, files=photos, kind="photo")
    # What the report wrote, for the API's answer (it is not read back).
    hazard.events_written = [event]
    return hazard


def _hazard_number(hazard: Hazard) -> str:
    """隐患编号: YH, the county's code, the year reported (local time), the id on seven digits."""
    return f"YH{_county_code(hazard.region_path)}{timezone.localtime(hazard.reported_at):%Y}{hazard.pk:07d}"


def _reserve_hazard_id() -> int | None:
    """On PostgreSQL, the new hazard's id from its table's sequence, so that the INSERT writes the
    number too: setting it by an UPDATE afterwards rewrites every index entry of the new row (the
    number is indexed, so the update is not HOT). Elsewhere (SQLite) None: the id comes from the
    INSERT and the number follows it."""
    connection = connections[router.db_for_write(Hazard)]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Hazard._meta.db_table])
        return cursor.fetchone()[0]


@transaction.atomic
def hazard_rectify_on_spot(
    *,
    actor,
    site: Site,
    description: str,
    category: str,
    rectification_note: str,
    source: str = HazardSource.PATROL,
    location: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    inspection: Inspection | None = None,
    photos_before: Sequence = (),
    photos_after: Sequence = (),
    criterion: Criterion | None = None,
) -> Hazard:
    """立即整改: a general hazard fixed while the reporter is there, reported and closed in one
    step (with before and after photos); counted as found and rectified. A major hazard can never
    be closed this way."""
    if not (rectification_note or "").strip():
        raise ValidationError({"rectification_note": _("请说明现场整改情况。")})
    if criterion is not None and criterion.is_major:
        raise ValidationError({"criterion": _("重大隐患不能立即整改销号。")})
    hazard = _report(
        actor=actor,
        site=site,
        description=description,
        category=category,
        grade=HazardGrade.GENERAL,
        source=source,
        location=location,
        longitude=longitude,
        latitude=latitude,
        inspection=inspection,
        photos=photos_before,
        criterion=criterion,
    )
    now = timezone.now()
    reported = tally.state_of(hazard)
    hazard.status = HazardStatus.CLOSED
    hazard.on_the_spot = True
    hazard.rectification_note = rectification_note.strip()
    hazard.rectified_at = now
    hazard.closed_at = now
    hazard.closed_by = actor
    hazard.version += 1
    hazard.save(
        update_fields=[
            "status",
            "on_the_spot",
            "rectification_note",
            "rectified_at",
            "closed_at",
            "closed_by",
            "version",
        ]
    )
    tally.record_change(reported, tally.state_of(hazard))
    event = _add_event(
        hazard=hazard,
        actor=actor,
        action=HazardAction.RECTIFY_ON_SPOT,
        from_status=HazardStatus.REPORTED,
        from_level=hazard.level,
        note=hazard.rectification_note,
    )
    _attach(actor=actor, hazard=hazard, event=event, files=photos_after, kind="photo_after")
    hazard.events_written.append(event)
    # Both audit records last (the first one takes the chain's lock until commit), in order.
    _audit_report(actor=actor, hazard=hazard)
    audit_record(
        actor=actor,
        action="hazard.rectify_on_spot",
        obj=hazard,
        changes={"status": [HazardStatus.REPORTED, HazardStatus.CLOSED]},
    )
    return hazard


@contextmanager
def _transition(
    *, actor, hazard: Hazard, action: str, expected_version: int | None = None
) -> Iterator[Hazard]:
    """Lock the row, check scope, state, level and version, then let the caller change it; write the
    event and the audit record after. Must run inside transaction.atomic."""
    locked = (
        Hazard.objects.visible_to(actor, Cap.VIEW_HAZARD).select_for_update().filter(pk=hazard.pk).first()
    )
    if locked is None:
        raise NotInScope(_("未找到。"))
    label = HazardAction(action).label
    if expected_version is not None and locked.version != expected_version:
        raise TransitionNotAllowed(_("该隐患已被他人更新，请刷新后重试。"))
    if not policies.state_allows(locked, action):
        if action == HazardAction.ESCALATE and locked.level >= HandlingLevel.COUNTY_COMMITTEE:
            raise TransitionNotAllowed(_("已在县安委会层级处置，不能再提级。"))
        raise TransitionNotAllowed(
            _("隐患当前状态为“%(status)s”，不能%(action)s。")
            % {"status": locked.get_status_display(), "action": label}
        )
    if not policies.actor_may(actor, locked, action):
        raise CapabilityDenied(
            _("隐患当前由“%(level)s”处置，您无权%(action)s。")
            % {"level": locked.get_level_display(), "action": label}
        )
    from_status, from_level = locked.status, locked.level
    before = {"status": from_status, "level": from_level, "deadline": str(locked.deadline or "")}
    locked._event_note = ""
    locked._event_data = {}
    counted = tally.state_of(locked)
    yield locked
    _froms, to = TRANSITIONS[action]
    if to is not None and locked.status == from_status and to != from_status:
        locked.status = to
    if action == HazardAction.ESCALATE and locked.escalated_at is None:
        locked.escalated_at = timezone.now()
    locked.version += 1
    locked.full_clean(exclude=["number"])
    locked.save()
    tally.record_change(counted, tally.state_of(locked))
    locked._event = _add_event(
        hazard=locked,
        actor=actor,
        action=action,
        from_status=from_status,
        from_level=from_level,
        note=locked._event_note,
        data=locked._event_data,
    )
    after = {"status": locked.status, "level": locked.level, "deadline": str(locked.deadline or "")}
    audit_record(
        actor=actor,
        action=f"hazard.{action}",
        obj=locked,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )


def _attach(*, actor, hazard: Hazard, event: HazardEvent, files: Sequence, kind: str) -> None:
    """Photos and evidence go with the step that produced them, in the same transaction: every
    file is checked before any is stored, and a bad one undoes the whole step."""
    if not files:
        return
    from safegrid.attachments.services import attachments_add_many

    attachments_add_many(actor=actor, uploads=list(files), kind=kind, hazard=hazard, event=event)


def _notify_after_commit(hazard: Hazard, kind: str, actor) -> None:
    from safegrid.notifications.services import notify_hazard

    transaction.on_commit(lambda: notify_hazard(hazard=hazard, kind=kind, exclude_user_id=actor.pk))


def _check_deadline(deadline: datetime.date | None, *, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    if deadline is None:
        raise ValidationError({"deadline": _("请填写整改期限。")})
    if deadline < today:
        raise ValidationError({"deadline": _("整改期限不能早于今天。")})
    return deadline


@transaction.atomic
def hazard_assign(
    *,
    actor,
    hazard: Hazard,
    grade: str,
    responsible_org: Organisation,
    responsible_person: str,
    deadline: datetime.date | None = None,
    workdays: int | None = None,
    measures: str = "",
    funds: Decimal | None = None,
    emergency_plan: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Hazard:
    """交办: the handling level confirms the grade and names the responsible unit, person and
    deadline (a date, or a number of working days on the Chinese public-holiday calendar). A major
    hazard must be handled at sector level or above and is listed for county supervision (挂牌督办)."""
    if workdays is not None:
        from safegrid.core.workdays import add_workdays

        if workdays < 1 or workdays > 365:
            raise ValidationError({"workdays": _("工作日数应在 1 到 365 之间。")})
        deadline = add_workdays(timezone.localdate(), workdays)
    deadline = _check_deadline(deadline)
    if not (responsible_person or "").strip():
        raise ValidationError({"responsible_person": _("请填写责任人。")})
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": _("隐患等级无效。")})
    with _transition(
        actor=actor, hazard=hazard, action=HazardAction.ASSIGN, expected_version=expected_version
    ) as h:
        if grade != HazardGrade.MAJOR and h.criterion_id is not None and h.criterion.is_major:
            raise ValidationError({"grade": _("该隐患引用了重大事故隐患判定标准条款，不能定为一般隐患。")})
        if grade == HazardGrade.MAJOR and h.level < HandlingLevel.SECTOR:
            raise ValidationError({"grade": _("重大隐患须由行业领域安委会及以上层级处置，请先提级。")})
        if not responsible_org.region_path or not (
            h.region_path.startswith(responsible_org.region_path)
            or responsible_org.region_path.startswith(h.region_path)
        ):
            raise ValidationError({"responsible_org": _("责任单位必须是该场所所在区划的单位。")})
        h.grade = grade
        h.responsible_org = responsible_org
        h.responsible_person = responsible_person.strip()
        h.deadline = deadline
        h.measures = measures or h.measures
        h.funds = funds if funds is not None else h.funds
        h.emergency_plan = emergency_plan or h.emergency_plan
        h.assigned_by = actor
        h.assigned_at = timezone.now()
        if grade == HazardGrade.MAJOR:
            h.supervised = True
        h._event_note = note
        h._event_data = {
            "deadline": str(deadline),
            "responsible_org": responsible_org.pk,
            "responsible_person": h.responsible_person,
            "grade": grade,
        }
    _notify_after_commit(h, "assigned", actor)
    return h


@transaction.atomic
def hazard_start(
    *,
    actor,
    hazard: Hazard,
    note: str = "",
    measures: str | None = None,
    funds: Decimal | None = None,
    emergency_plan: str | None = None,
    expected_version: int | None = None,
) -> Hazard:
    """开始整改. A major hazard needs the five items (责任、措施、资金、时限、预案) in place first."""
    with _transition(
        actor=actor, hazard=hazard, action=HazardAction.START, expected_version=expected_version
    ) as h:
        if measures is not None:
            h.measures = measures
        if funds is not None:
            h.funds = funds
        if emergency_plan is not None:
            h.emergency_plan = emergency_plan
        if h.is_major:
            missing = h.missing_five_items()
            if missing:
                raise ValidationError(
                    {
                        "measures": _("重大隐患须“五落实”后方可开始整改，尚缺：%(missing)s。")
                        % {"missing": _("、").join(str(item) for item in missing)}
                    }
                )
        h._event_note = note
    return h


@transaction.atomic
def hazard_submit(
    *,
    actor,
    hazard: Hazard,
    rectification_note: str,
    evidence: Sequence = (),
    expected_version: int | None = None,
) -> Hazard:
    """报告整改完成: the responsible unit reports completion with a description (and evidence files)."""
    if not (rectification_note or "").strip():
        raise ValidationError({"rectification_note": _("请说明整改情况。")})
    with _transition(
        actor=actor, hazard=hazard, action=HazardAction.SUBMIT, expected_version=expected_version
    ) as h:
        h.rectification_note = rectification_note.strip()
        h.rectified_at = timezone.now()
        h._event_note = h.rectification_note
    _attach(actor=actor, hazard=h, event=h._event, files=evidence, kind="evidence")
    _notify_after_commit(h, "verify", actor)
    return h


@transaction.atomic
def hazard_verify(
    *, actor, hazard: Hazard, passed: bool, note: str = "", expected_version: int | None = None
) -> Hazard:
    """复查: pass → 销号 (closed); fail → back to rectifying, with a note saying what is still wrong."""
    action = HazardAction.VERIFY_PASS if passed else HazardAction.VERIFY_FAIL
    if not passed and not (note or "").strip():
        raise ValidationError({"note": _("复查不通过时请说明原因。")})
    with _transition(actor=actor, hazard=hazard, action=action, expected_version=expected_version) as h:
        if passed:
            h.closed_at = timezone.now()
            h.closed_by = actor
        h._event_note = (note or "").strip()
    return h


@transaction.atomic
def hazard_escalate(*, actor, hazard: Hazard, reason: str, expected_version: int | None = None) -> Hazard:
    """提级: what this level cannot solve goes to the next level (grid/township → sector committee →
    county office → county committee), which must assign it again (unit, person, deadline)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("提级处置必须说明原因。")})
    with _transition(
        actor=actor, hazard=hazard, action=HazardAction.ESCALATE, expected_version=expected_version
    ) as h:
        h.level += 1
        h.status = HazardStatus.REPORTED
        h._event_note = reason.strip()
    _notify_after_commit(h, "escalated", actor)
    return h


@transaction.atomic
def hazard_extend(
    *, actor, hazard: Hazard, deadline: datetime.date, reason: str, expected_version: int | None = None
) -> Hazard:
    """延期: a later deadline with a reason, decided by the handling level."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("延长期限必须说明原因。")})
    with _transition(
        actor=actor, hazard=hazard, action=HazardAction.EXTEND, expected_version=expected_version
    ) as h:
        if h.deadline is not None and deadline <= h.deadline:
            raise ValidationError({"deadline": _("新的期限必须晚于原期限。")})
        _check_deadline(deadline)
        h._event_data = {"from": str(h.deadline), "to": str(deadline)}
        h.deadline = deadline
        h._event_note = reason.strip()
    return h


TRANSITION_SERVICES: dict[str, Any] = {
    HazardAction.ASSIGN: hazard_assign,
    HazardAction.START: hazard_start,
    HazardAction.SUBMIT: hazard_submit,
    HazardAction.ESCALATE: hazard_escalate,
    HazardAction.EXTEND: hazard_extend,
}


SWEEP_NOTE = gettext_lazy("逾期未整改，系统自动提级并督办。")
NOTICE_NOTE = gettext_lazy("逾期未整改，县安委会督办。")


def _sweep_step(
    *,
    status: str,
    rule_sql: str,
    rule_params: list,
    set_sql: str,
    set_params: list,
    action: str,
    to_status: str,
    level_step: int,
    note: str,
    now,
) -> list[int]:
    """One rule of the sweep for the owed hazards in `status`: update every hazard matching
    `rule_sql` and give each a timeline event (from `status` to `to_status`, from its level to
    `level_step` above it); returns the ids of the hazards changed. Set-based: the sweep must not
    loop over rows in Python (PERFORMANCE.md).

    On PostgreSQL it is one statement — an UPDATE … RETURNING whose rows the INSERT of the events
    reads (a data-modifying WITH) — so the events are exactly the rows updated, without locking
    them first: locking ~73,000 rows with SELECT … FOR UPDATE and then updating them cost more than
    twice the update alone (issue 9 (d)). A row a concurrent transaction changes is re-checked
    against the rule once that transaction ends, and is left alone (with no event) if it no longer
    matches. Running one status at a time is what lets the event name the status the hazard was in
    (RETURNING gives the new row). SQLite has one writer at a time: there the events are inserted
    from the rows as they stand, then the same rows are updated."""
    from django.db import connection

    hazard_table = connection.ops.quote_name(Hazard._meta.db_table)
    event_table = connection.ops.quote_name(HazardEvent._meta.db_table)
    where_sql = f"status = %s AND {rule_sql}"
    where_params = [status, *rule_params]
    data_sql = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = "hazard_id, action, from_status, to_status, from_level, to_level, actor_id, at, note, data"
    event_params = [action, status, to_status, now, note, "{}"]
    # Only table names and fixed SQL fragments are interpolated; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # RETURNING gives the updated row: its level is the new one.
            select = f"id, %s, %s, %s, level - {level_step:d}, level, NULL, %s, %s, {data_sql}"
            cursor.execute(
                f"WITH moved AS (UPDATE {hazard_table} SET {set_sql} WHERE {where_sql} RETURNING id, level) "  # noqa: S608 - see above  # nosec B608
                f"INSERT INTO {event_table} ({columns}) SELECT {select} FROM moved RETURNING hazard_id",
                [*set_params, *where_params, *event_params],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT id FROM {hazard_table} WHERE {where_sql}", where_params)  # noqa: S608  # nosec B608
        ids = sorted(row[0] for row in cursor.fetchall())
        if ids:
            select = f"id, %s, %s, %s, level, level + {level_step:d}, NULL, %s, %s, {data_sql}"
            from_rows = f"FROM {hazard_table} WHERE {where_sql}"
            cursor.execute(
                f"INSERT INTO {event_table} ({columns}) SELECT {select} {from_rows}",  # nosec B608
                [*event_params, *where_params],
            )
            cursor.execute(
                f"UPDATE {hazard_table} SET {set_sql} WHERE {where_sql}",  # noqa: S608  # nosec B608
                [*set_params, *where_params],
            )
        return ids


@transaction.atomic
def hazard_sweep_overdue(
    *, today: datetime.date | None = None, grace_days: int | None = None
) -> dict[str, int]:
    """The nightly sweep (idempotent). Hazards whose deadline passed more than `grace_days` ago and
    that are still owed (assigned or rectifying):
    - below the county committee: escalated one level (back to 已上报 for re-assignment there),
      with a 督办 event — after that they are no longer overdue, so a second run changes nothing;
    - at the county committee: a supervision notice (督办) once per day.
    Set-based: one statement per rule and owed status (`_sweep_step`), however many hazards match."""
    from django.conf import settings

    today = today or timezone.localdate()
    grace = settings.SAFEGRID_OVERDUE_GRACE_DAYS if grace_days is None else grace_days
    cutoff = today - datetime.timedelta(days=grace)
    now = timezone.now()
    top = HandlingLevel.COUNTY_COMMITTEE

    escalate_ids: list[int] = []
    notice_ids: list[int] = []
    for status in (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING):
        escalate_ids += _sweep_step(
            status=status,
            rule_sql="deadline < %s AND level < %s",
            rule_params=[cutoff, top],
            set_sql=(
                "status = %s, level = level + 1, version = version + 1, last_notice_on = %s,"
                " escalated_at = COALESCE(escalated_at, %s)"
            ),
            set_params=[HazardStatus.REPORTED, today, now],
            action=HazardAction.SWEEP_ESCALATE,
            to_status=HazardStatus.REPORTED,
            level_step=1,
            note=str(SWEEP_NOTE),
            now=now,
        )
        notice_ids += _sweep_step(
            status=status,
            rule_sql="deadline < %s AND level = %s AND (last_notice_on IS NULL OR last_notice_on < %s)",
            rule_params=[cutoff, top, today],
            set_sql="last_notice_on = %s",
            set_params=[today],
            action=HazardAction.SUPERVISION_NOTICE,
            to_status=status,
            level_step=0,
            note=str(NOTICE_NOTE),
            now=now,
        )
    escalate_ids.sort()
    notice_ids.sort()
    escalated, noticed = len(escalate_ids), len(notice_ids)
    if escalated or noticed:
        audit_record(
            actor=None,
            action="hazard.sweep",
            object_type="hazards.hazard",
            object_repr=_("逾期扫描 %(day)s") % {"day": today},
            changes={
                "escalated": [None, escalated],
                "noticed": [None, noticed],
                "ids": [None, sorted(escalate_ids + notice_ids)[:1000]],
            },
        )
        # The fan-out (at province scale over 100,000 notifications after a backlog) is a job of
        # its own, queued once the sweep has committed: it neither holds the sweep's locks nor
        # undoes the sweep if it fails, and is retried on its own.
        from safegrid.notifications.tasks import notify_overdue

        transaction.on_commit(
            lambda: notify_overdue.delay(escalated_ids=escalate_ids, noticed_ids=notice_ids)
        )
    return {"escalated": escalated, "noticed": noticed}
