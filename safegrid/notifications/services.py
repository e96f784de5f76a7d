"""Notifications: who is told what about a hazard or a certificate, in the inbox and (when
configured) by email.

Called by the hazard services after commit and by the daily reminder jobs; never from signals."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.models import RoleAssignment
from safegrid.accounts.roles import ROLE_HANDLING_LEVEL, Role
from safegrid.core.scope import ancestor_paths

from .models import Notification, NotificationKind

LEVEL_ROLES: dict[int, set[str]] = defaultdict(set)
for _role, _level in ROLE_HANDLING_LEVEL.items():
    LEVEL_ROLES[_level].add(_role)


def _sql_text(template: str, fields: dict[str, str]) -> tuple[str, list[str]]:
    """A translated %-template with named placeholders as an SQL concatenation: its literal parts
    become parameters and each placeholder the SQL expression `fields` names for it (so a value that
    happens to contain a placeholder is never substituted again, and a translation may order the
    placeholders as it likes)."""
    parts: list[str] = []
    params: list[str] = []
    position = 0
    for match in re.finditer(r"%\((\w+)\)s", template):
        if match.start() > position:
            parts.append("%s")
            params.append(template[position : match.start()])
        parts.append(fields[match.group(1)])
        position = match.end()
    if position < len(template):
        parts.append("%s")
        params.append(template[position:])
    return " || ".join(parts) or "''", params


def _hazard_notifications(
    *, kind: str, ids: list[int], level_users: bool, unit_users: bool, today, exclude_user_id=None
) -> int:
    """Notify about the hazards `ids`, in one INSERT … SELECT however many there are (the overdue
    sweep escalates tens of thousands at once at province scale): to the active officers whose
    grant covers the hazard's place (an assignment anchored on its region or any region above) in a
    role handling the hazard's level, and whose sectors — when the grant names any — include the
    hazard's sector (`level_users`); and/or to the responsible unit's staff, the enterprise
    managers of the hazard's site (`unit_users`). The actor of a step is not told about it. A
    recipient already told today of the same hazard and kind is skipped (the unique constraint).
    Returns the number of new notifications."""
    if not ids or not (level_users or unit_users):
        return 0
    from safegrid.hazards.models import Hazard
    from safegrid.sites.models import Site

    connection = connections[router.db_for_write(Notification)]
    quote = connection.ops.quote_name
    tables = {
        "notification": Notification._meta.db_table,
        "hazard": Hazard._meta.db_table,
        "site": Site._meta.db_table,
        "assignment": RoleAssignment._meta.db_table,
        "sectors": RoleAssignment.sectors.through._meta.db_table,
        "user": RoleAssignment._meta.get_field("user").related_model._meta.db_table,
    }
    t = {name: quote(table) for name, table in tables.items()}
    # Stored text addressed to other people: written in the site's language, never in the language
    # of whoever's request happened to trigger it (the sweep and reminders run without a request).
    with translation.override(settings.LANGUAGE_CODE):
        title_template, body_template = str(KIND_TITLES[kind]), _("%(site)s：%(description)s")
    if connection.vendor == "postgresql":
        deadline_text = "TO_CHAR(h.deadline, 'YYYY-MM-DD')"
        chosen_sql, chosen_params = "h.id = ANY(%s)", [list(ids)]
    else:
        deadline_text = "CAST(h.deadline AS TEXT)"
        chosen_sql, chosen_params = "h.id IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]
    title_sql, title_params = _sql_text(
        title_template, {"number": "h.number", "deadline": f"COALESCE({deadline_text}, '—')"}
    )
    body_sql, body_params = _sql_text(
        body_template, {"site": "s.name", "description": "SUBSTR(h.description, 1, 200)"}
    )
    rules: list[str] = []
    rule_params: list = []
    roles: set[str] = set()
    if unit_users:
        rules.append("(ra.role = %s AND ra.site_id = h.site_id)")
        rule_params.append(Role.ENTERPRISE_MANAGER.value)
        roles.add(Role.ENTERPRISE_MANAGER.value)
    if level_users:
        by_level = []
        for level, level_roles in sorted(LEVEL_ROLES.items()):
            marks = ", ".join("%s" for _role in level_roles)
            by_level.append(f"(h.level = %s AND ra.role IN ({marks}))")
            rule_params.extend([level, *sorted(level_roles)])
            roles |= set(level_roles)
        # A grant naming sectors covers only those sectors; one naming none covers every sector.
        sectors = f"SELECT 1 FROM {t['sectors']} g WHERE g.roleassignment_id = ra.id"  # noqa: S608 - a table name  # nosec B608
        rules.append(
            f"(({' OR '.join(by_level)}) AND (NOT EXISTS ({sectors})"
            f" OR EXISTS ({sectors} AND g.sector_id = h.sector_id)))"
        )
    role_marks = ", ".join("%s" for _role in roles)
    excluded = "" if exclude_user_id is None else " AND ra.user_id <> %s"
    # The grants over a hazard's place are those anchored on a prefix of its path (paths end with
    # the separator, so a prefix that is a path is an ancestor): the few distinct lengths of the
    # grants' paths turn "is a prefix" into equalities the database can hash-join on.
    sql = (
        f"INSERT INTO {t['notification']} (recipient_id, kind, hazard_id, title, body, day, created_at) "  # noqa: S608 - table names and fixed SQL only; every value is a parameter  # nosec B608
        f"SELECT ra.user_id, %s, h.id, {title_sql}, {body_sql}, %s, %s "
        f"FROM {t['hazard']} h JOIN {t['site']} s ON s.id = h.site_id "
        f"JOIN (SELECT DISTINCT LENGTH(region_path) AS n FROM {t['assignment']}"
        f" WHERE role IN ({role_marks})) lens ON 1 = 1 "
        f"JOIN {t['assignment']} ra ON ra.region_path = SUBSTR(h.region_path, 1, lens.n) "
        f"AND ra.role IN ({role_marks}) "
        f"JOIN {t['user']} u ON u.id = ra.user_id AND u.is_active "
        f"WHERE {chosen_sql} AND ({' OR '.join(rules)}){excluded} "
        "ORDER BY h.id, ra.user_id "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        kind,
        *title_params,
        *body_params,
        today,
        timezone.now(),
        *sorted(roles),
        *sorted(roles),
        *chosen_params,
        *rule_params,
        *([] if exclude_user_id is None else [exclude_user_id]),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = max(cursor.rowcount, 0)
    _email_after_commit(created)
    return created


def _email_after_commit(created: int) -> None:
    if created and getattr(settings, "SAFEGRID_EMAIL_NOTIFICATIONS", False):
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay())


def _create_certificate_reminders(rows: list[Notification]) -> int:
    if not rows:
        return 0
    # A reminder already sent for the same certificate and kind is skipped (unique constraint); the
    # count of new rows is taken over just these certificates (indexed), not the whole table.
    same = Notification.objects.filter(
        certificate_id__in={r.certificate_id for r in rows}, kind__in={r.kind for r in rows}
    )
    before = same.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created = same.count() - before
    _email_after_commit(created)
    return created


KIND_TITLES = {
    NotificationKind.ASSIGNED: gettext_lazy("隐患 %(number)s 已交办给贵单位，请于 %(deadline)s 前完成整改"),
    NotificationKind.ESCALATED: gettext_lazy("隐患 %(number)s 已提级到您的处置层级，请重新交办"),
    NotificationKind.VERIFY: gettext_lazy("隐患 %(number)s 已报告整改完成，请复查"),
    NotificationKind.OVERDUE: gettext_lazy("隐患 %(number)s 已逾期，已自动提级督办"),
    NotificationKind.SUPERVISION: gettext_lazy("隐患 %(number)s 逾期未整改，县安委会督办"),
    NotificationKind.DUE_SOON: gettext_lazy("隐患 %(number)s 将于 %(deadline)s 到期"),
}


# Who hears of which step: the responsible unit of an assignment; the officers of the level a
# hazard reached or awaits verification at; both of anything overdue.
KIND_AUDIENCE = {
    NotificationKind.ASSIGNED: {"level_users": False, "unit_users": True},
    NotificationKind.ESCALATED: {"level_users": True, "unit_users": False},
    NotificationKind.VERIFY: {"level_users": True, "unit_users": False},
    NotificationKind.OVERDUE: {"level_users": True, "unit_users": True},
    NotificationKind.SUPERVISION: {"level_users": True, "unit_users": True},
    NotificationKind.DUE_SOON: {"level_users": False, "unit_users": True},
}


def notify_hazard(*, hazard, kind: str, exclude_user_id: int | None = None) -> int:
    """Tell the right people about one step of one hazard (the actor is not told about their own step)."""
    return _hazard_notifications(
        kind=kind,
        ids=[hazard.pk],
        today=timezone.localdate(),
        exclude_user_id=exclude_user_id,
        **KIND_AUDIENCE[kind],
    )


def notify_sweep(*, escalated_ids: list[int], noticed_ids: list[int]) -> int:
    """After the overdue sweep: the unit and the officers of the new level hear of each escalation;
    the unit and the county committee hear of each supervision notice. One statement per kind."""
    today = timezone.localdate()
    batches = ((escalated_ids, NotificationKind.OVERDUE), (noticed_ids, NotificationKind.SUPERVISION))
    return sum(
        _hazard_notifications(kind=kind, ids=ids, today=today, **KIND_AUDIENCE[kind]) for ids, kind in batches
    )


def notify_due_soon(*, today=None, days: int = 3) -> int:
    """Daily reminder to the responsible unit of hazards due within `days` (idempotent per day)."""
    import datetime

    from safegrid.hazards.choices import DEADLINE_STATUSES
    from safegrid.hazards.models import Hazard

    today = today or timezone.localdate()
    due = Hazard.objects.filter(
        status__in=DEADLINE_STATUSES, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    return _hazard_notifications(
        kind=NotificationKind.DUE_SOON, ids=ids, today=today, **KIND_AUDIENCE[NotificationKind.DUE_SOON]
    )


CERTIFICATE_TITLES = {
    NotificationKind.CERT_REVIEW_DUE: gettext_lazy("%(name)s的%(certificate)s应于 %(due)s 前复审"),
    NotificationKind.CERT_EXPIRY_DUE: gettext_lazy("%(name)s的%(certificate)s将于 %(due)s 到期"),
}
CERTIFICATE_BODIES = {
    NotificationKind.CERT_REVIEW_DUE: gettext_lazy(
        "请在 %(due)s 前提出复审申请；逾期未复审，证书失效，持证人不得从事特种作业。"
    ),
    NotificationKind.CERT_EXPIRY_DUE: gettext_lazy(
        "请在 %(due)s 前办理延期复审（换证）；证书过期后，持证人不得从事相应作业。"
    ),
}


def _certificate_recipients(certs: list) -> dict[int, set[int]]:
    """{certificate id: user ids}: the holder's login, the enterprise managers bound to the holder's
    site, and — for holders without a site — the township officers over the holder's region.
    Two queries whatever the number of certificates."""
    site_ids = {c.site_id for c in certs if c.site_id is not None}
    managers: dict[int, set[int]] = defaultdict(set)
    if site_ids:
        for site_id, user_id in RoleAssignment.objects.filter(
            role=Role.ENTERPRISE_MANAGER, site_id__in=site_ids, user__is_active=True
        ).values_list("site_id", "user_id"):
            managers[site_id].add(user_id)
    paths = {p for c in certs if c.site_id is None for p in ancestor_paths(c.region_path)}
    officers: dict[str, set[int]] = defaultdict(set)
    if paths:
        for path, user_id in RoleAssignment.objects.filter(
            role=Role.TOWNSHIP_OFFICER, region_path__in=paths, user__is_active=True
        ).values_list("region_path", "user_id"):
            officers[path].add(user_id)
    result: dict[int, set[int]] = {}
    for c in certs:
        users: set[int] = set()
        holder = c.person.user
        if holder is not None and holder.is_active:
            users.add(holder.pk)
        if c.site_id is not None:
            users |= managers[c.site_id]
        else:
            for path in ancestor_paths(c.region_path):
                users |= officers[path]
        result[c.pk] = users
    return result


def notify_certificates_due(*, today=None) -> int:
    """Daily job: remind of certificates whose next date — the pending 3-year review (复审), else the
    expiry — falls within the next 60 days (30号令: apply within 60 days before the date). Revoked
    and already lapsed certificates are skipped; each certificate gives one reminder per recipient
    and kind, however often the job runs. Returns the number of new notifications."""
    import datetime

    from safegrid.people.certificates import REMINDER_DAYS
    from safegrid.people.choices import CertificateStatus
    from safegrid.people.models import Certificate
    from safegrid.people.selectors import status_expression

    today = today or timezone.localdate()
    window_end = today + datetime.timedelta(days=REMINDER_DAYS)
    kind_of = {
        CertificateStatus.REVIEW_DUE: NotificationKind.CERT_REVIEW_DUE,
        CertificateStatus.EXPIRY_DUE: NotificationKind.CERT_EXPIRY_DUE,
    }
    certs = list(
        Certificate.objects.filter(revoked=False)
        # indexed pre-filter; the status (one definition, in SQL) then picks the pending date
        .filter(Q(review_due_date__range=(today, window_end)) | Q(expiry_date__range=(today, window_end)))
        .annotate(status=status_expression(today))
        .filter(status__in=list(kind_of))
        .select_related("person", "person__user")
        .order_by("pk")
    )
    who = _certificate_recipients(certs)
    rows: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for cert in certs:
            kind = kind_of[cert.status]
            _label, due = cert.dates.next_due()
            label = cert.get_kind_display()
            if cert.category:
                label = _("%(kind)s（%(category)s）") % {
                    "kind": label,
                    "category": cert.get_category_display(),
                }
            title = CERTIFICATE_TITLES[kind] % {"name": cert.person.name, "certificate": label, "due": due}
            body = CERTIFICATE_BODIES[kind] % {"due": due}
            rows.extend(
                Notification(
                    recipient_id=u, kind=kind, certificate_id=cert.pk, title=title, body=body, day=today
                )
                for u in sorted(who[cert.pk])
            )
    return _create_certificate_reminders(rows)


@transaction.atomic
def notification_mark_read(*, actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all, or the given ones)."""
    qs = Notification.objects.visible_to(actor).filter(read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def notify_job_finished(*, job) -> Notification:
    """Tell the owner of a background job that it is done (or could not be done)."""
    ok = job.status == "succeeded"
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        title = (_("后台任务已完成：%(title)s") if ok else _("后台任务未完成：%(title)s")) % {
            "title": job.title
        }
        notification = Notification.objects.create(
            recipient_id=job.owner_id,
            kind=NotificationKind.JOB_DONE if ok else NotificationKind.JOB_FAILED,
            job=job,
            title=title[:200],
            body=job.message[:2000],
            day=timezone.localdate(),
        )
    return notification
