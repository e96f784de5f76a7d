"""Notifications: who is told what about a hazard or a certificate, in the inbox and (when
configured) by email.

Called by the hazard services after commit and by the daily reminder jobs; never from signals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
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


def _assignment_index(
    roles: Iterable[str],
) -> dict[str, list[tuple[int, str, frozenset[int] | None, int | None]]]:
    """{anchor path: [(user id, role, sector ids or None, site id)]} for active users in these roles."""
    index: dict[str, list] = defaultdict(list)
    assignments = RoleAssignment.objects.filter(role__in=list(roles), user__is_active=True)
    # Two queries of plain values: a province holds ~13,000 assignments, too many to build models of.
    sectors: dict[int, set[int]] = defaultdict(set)
    for assignment_id, sector_id in RoleAssignment.sectors.through.objects.filter(
        roleassignment__in=assignments
    ).values_list("roleassignment_id", "sector_id"):
        sectors[assignment_id].add(sector_id)
    for pk, user_id, role, region_path, site_id in assignments.values_list(
        "pk", "user_id", "role", "region_path", "site_id"
    ):
        index[region_path].append((user_id, role, frozenset(sectors[pk]) or None, site_id))
    return index


def recipients(
    hazards: Iterable, *, level_users: bool, unit_users: bool, level_of=lambda h: h.level, index=None
) -> dict[int, set[int]]:
    """{hazard id: user ids}: the officers handling the hazard's level over its place and sector,
    and/or the responsible unit's staff (the site's enterprise managers). `index`: an
    `_assignment_index` of every role concerned, built once by a caller with many batches."""
    hazards = list(hazards)
    if index is None:
        roles: set[str] = set()
        if level_users:
            for h in hazards:
                roles |= LEVEL_ROLES[level_of(h)]
        if unit_users:
            roles.add(Role.ENTERPRISE_MANAGER)
        index = _assignment_index(roles)
    result: dict[int, set[int]] = {}
    for h in hazards:
        users: set[int] = set()
        for path in ancestor_paths(h.region_path):
            for user_id, role, sectors, site_id in index.get(path, ()):
                if role == Role.ENTERPRISE_MANAGER:
                    if unit_users and site_id == h.site_id:
                        users.add(user_id)
                    continue
                if (
                    level_users
                    and role in LEVEL_ROLES[level_of(h)]
                    and (sectors is None or h.sector_id in sectors)
                ):
                    users.add(user_id)
        result[h.pk] = users
    return result


def _create(rows: list[Notification]) -> int:
    if not rows:
        return 0
    # A reminder already sent today for the same hazard and kind, or ever for the same certificate
    # and kind, is skipped (unique constraints); the count of new rows is taken over just these
    # hazards and certificates (indexed), not the whole table.
    hazard_ids = {r.hazard_id for r in rows if r.hazard_id is not None}
    certificate_ids = {r.certificate_id for r in rows if r.certificate_id is not None}
    same = Notification.objects.filter(
        Q(hazard_id__in=hazard_ids) | Q(certificate_id__in=certificate_ids),
        day__in={r.day for r in rows},
        kind__in={r.kind for r in rows},
    )
    before = same.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created = same.count() - before
    if created and getattr(settings, "SAFEGRID_EMAIL_NOTIFICATIONS", False):
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay())
    return created


KIND_TITLES = {
    NotificationKind.ASSIGNED: gettext_lazy("隐患 %(number)s 已交办给贵单位，请于 %(deadline)s 前完成整改"),
    NotificationKind.ESCALATED: gettext_lazy("隐患 %(number)s 已提级到您的处置层级，请重新交办"),
    NotificationKind.VERIFY: gettext_lazy("隐患 %(number)s 已报告整改完成，请复查"),
    NotificationKind.OVERDUE: gettext_lazy("隐患 %(number)s 已逾期，已自动提级督办"),
    NotificationKind.SUPERVISION: gettext_lazy("隐患 %(number)s 逾期未整改，县安委会督办"),
    NotificationKind.DUE_SOON: gettext_lazy("隐患 %(number)s 将于 %(deadline)s 到期"),
}


def _rows(kind: str, hazard, user_ids: Iterable[int], today) -> list[Notification]:
    # Stored text addressed to other people: written in the site's language, never in the language
    # of whoever's request happened to trigger it (the sweep and reminders run without a request).
    with translation.override(settings.LANGUAGE_CODE):
        title = KIND_TITLES[kind] % {"number": hazard.number, "deadline": hazard.deadline or "—"}
        body = _("%(site)s：%(description)s") % {
            "site": hazard.site.name if hasattr(hazard, "site") else "",
            "description": hazard.description[:200],
        }
    return [
        Notification(recipient_id=u, kind=kind, hazard_id=hazard.pk, title=title, body=body, day=today)
        for u in sorted(user_ids)
    ]


def notify_hazard(*, hazard, kind: str, exclude_user_id: int | None = None) -> int:
    """Tell the right people about one step of one hazard (the actor is not told about their own step)."""
    today = timezone.localdate()
    if kind == NotificationKind.ASSIGNED:
        users = recipients([hazard], level_users=False, unit_users=True)[hazard.pk]
    elif kind in (NotificationKind.ESCALATED, NotificationKind.VERIFY):
        users = recipients([hazard], level_users=True, unit_users=False)[hazard.pk]
    else:
        users = recipients([hazard], level_users=True, unit_users=True)[hazard.pk]
    users.discard(exclude_user_id)
    return _create(_rows(kind, hazard, users, today))


# What `recipients` and `_rows` read of a hazard.
NOTIFIED_FIELDS = (
    "id",
    "number",
    "deadline",
    "description",
    "region_path",
    "sector_id",
    "site_id",
    "level",
    "site__name",
)


def notify_sweep(*, escalated_ids: list[int], noticed_ids: list[int]) -> int:
    """After the overdue sweep: the unit and the officers of the new level hear of each escalation;
    the unit and the county committee hear of each supervision notice."""
    from safegrid.hazards.models import Hazard

    today = timezone.localdate()
    rows: list[Notification] = []
    index = None  # every level's officers and the units' staff, read once for all the batches
    if escalated_ids or noticed_ids:
        index = _assignment_index(
            {*(r for roles in LEVEL_ROLES.values() for r in roles), Role.ENTERPRISE_MANAGER}
        )
    for ids, kind in ((escalated_ids, NotificationKind.OVERDUE), (noticed_ids, NotificationKind.SUPERVISION)):
        for start in range(0, len(ids), 2000):
            batch = list(
                Hazard.objects.filter(pk__in=ids[start : start + 2000])
                .select_related("site")
                .only(*NOTIFIED_FIELDS)
            )
            who = recipients(batch, level_users=True, unit_users=True, index=index)
            for h in batch:
                rows.extend(_rows(kind, h, who[h.pk], today))
    return _create(rows)


def notify_due_soon(*, today=None, days: int = 3) -> int:
    """Daily reminder to the responsible unit of hazards due within `days` (idempotent per day)."""
    import datetime

    from safegrid.hazards.choices import DEADLINE_STATUSES
    from safegrid.hazards.models import Hazard

    today = today or timezone.localdate()
    due = Hazard.objects.filter(
        status__in=DEADLINE_STATUSES, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
    ).select_related("site")
    rows: list[Notification] = []
    batch = list(due)
    who = recipients(batch, level_users=False, unit_users=True)
    for h in batch:
        rows.extend(_rows(NotificationKind.DUE_SOON, h, who[h.pk], today))
    return _create(rows)


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
    return _create(rows)


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
