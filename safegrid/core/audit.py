"""Writing and protecting the audit trail (SECURITY.md L1–L5). Services call `audit_record` inside
their transaction, so a rolled-back change leaves no record and a failed record rolls the change back.

Tamper evidence (L3). Every row carries `prev_digest` (the digest of the row before it, `GENESIS`
for the first) and `digest` = HMAC-SM3(key_for("audit"), canonical(row content + prev_digest)), hex.
`AuditEntry.save()` extends the chain. Appends are serialised so the chain never forks: on
PostgreSQL the head is read by `safegrid_audit_chain_head()`, a VOLATILE function (one query) that
first takes `pg_advisory_xact_lock(CHAIN_LOCK)`, held until the transaction ends, and then reads the
last digest with a fresh snapshot (READ COMMITTED, Django's default); on SQLite writers are
serialised by the database lock. `verify_chain()` (and `manage.py verify_audit_chain`) recomputes
the chain in id order and names the first row whose digest or prev_digest does not match.

Database protection (PostgreSQL, migration core.0005). Triggers refuse UPDATE and DELETE of audit
rows for every role, and TRUNCATE for every role that is not the table's owner (the owner can
disable triggers anyway; the test harness's flush truncates as the owner). A non-owner role cannot
`ALTER TABLE … DISABLE TRIGGER`. Deployment (docs/deployment):

- run migrations as the owner role; let the application connect as a non-owner role (`app_rw`)
  holding SELECT and INSERT on core_auditentry;
- set `SAFEGRID_DB_APP_ROLE=app_rw` before `migrate`: migration core.0005 then runs
  `REVOKE UPDATE, DELETE, TRUNCATE ON core_auditentry FROM app_rw` (re-run it at any time with
  `manage.py shell -c "from safegrid.core.audit import revoke_app_role; revoke_app_role()"`);
- keep SAFEGRID_AUDIT_KEY secret and stable: a changed key makes every existing digest mismatch.

Retention (L5). Rows are kept at least `SAFEGRID_AUDIT_RETENTION_DAYS` (>= 180, Cybersecurity Law
Art. 21; a system check refuses less). `manage.py purge_audit` (`purge_expired`) is the only deleting
path; on PostgreSQL it must run as the table owner: it disables the delete trigger inside its own
transaction, deletes the oldest rows, re-enables it, and records "audit.purge" with the count, the
cut-off and the prev_digest of the first row it kept (the anchor `verify_chain` checks the new
first row against).
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import ipaddress
import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import context
from .crypto import hmac_sm3, key_for
from .logsafe import mask_pii
from .models import AuditEntry, AuditResult

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
DIGEST = re.compile(r"[0-9a-f]{64}")
# The advisory-lock key serialising appends to the chain (any constant bigint shared by all writers).
CHAIN_LOCK = 0x7367617564697401
TABLE = AuditEntry._meta.db_table
DELETE_TRIGGER = f"{TABLE}_no_delete"
PURGE_ACTION = "audit.purge"
SCOPE_DENIED_ACTION = "scope.denied"
AUDIT_QUERY_ACTION = "audit.query"
# The row content the digest covers, in addition to prev_digest (the id is left out: it is assigned
# by the database at insert; the link to the previous row already fixes the order).
CHAIN_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_roles",
    "ip",
    "request_id",
    "device",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "result",
)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def masked(value: Any) -> Any:
    """`changes` with every full ID number and mobile number in its texts masked (SECURITY.md L2:
    masked before/after), whatever the service passed: the audit trail never holds them in full.
    A hex digest (the purge record's chain anchor) is left alone: it holds no personal data, and
    about one digest in fifty contains eleven digits that read like a mobile number, which masking
    would turn into a broken chain."""
    if isinstance(value, str):
        return value if DIGEST.fullmatch(value) else mask_pii(value)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    result: str = AuditResult.SUCCESS,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one audit record. Must run inside the transaction of the change it records."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    roles = ""
    if authenticated:
        roles = ",".join(sorted({g.role for g in getattr(actor, "grants", ())}))
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_roles=roles[:200],
        ip=ctx.ip,
        request_id=ctx.request_id,
        device=ctx.user_agent,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=masked(changes or {}),
        result=result,
    )


# ---- Scope denials (SECURITY.md L1: "scope denial" is an audited event) --------------------------
#
# A lookup outside the actor's scope answers 404 exactly like a missing object, but when the object
# exists the denial is recorded ("scope.denied", result "denied", its type and id). The lookups
# (`core.selectors.scoped_get` for pages and services, `core.api.ScopeDenialLookupMixin.get_object`
# for every ScopedViewSet, `jobs.selectors.job_get`) only *note* the (model, id) they could not find;
# `RequestContextMiddleware` calls `record_scope_denials` once the view has answered:
#
# - it runs after every transaction of the view has ended, so the record persists although the
#   request ends in a 404 (lookups inside a service's atomic block, or a PATCH's, are rolled back
#   with it); the record is written in its own transaction;
# - only when the answer is 404, so a lookup the view caught and survived (e.g. "may they edit this
#   row?" to show a button, a fallback) is no denial; the existence check (one query on the unscoped
#   base manager) runs on that path only;
# - a missing object or a malformed id is noted like any other and writes nothing (it does not exist).

_denials: contextvars.ContextVar[list[tuple[type[models.Model], Any]] | None] = contextvars.ContextVar(
    "safegrid_scope_denials", default=None
)


@contextmanager
def scope_denials_collected() -> Iterator[list[tuple[type[models.Model], Any]]]:
    """Collect the lookups refused during one request (used by RequestContextMiddleware)."""
    pending: list[tuple[type[models.Model], Any]] = []
    token = _denials.set(pending)
    try:
        yield pending
    finally:
        _denials.reset(token)


def note_scope_denial(model: type[models.Model], pk: Any) -> None:
    """A scoped lookup of `pk` found nothing; recorded if the request ends in 404 and the row exists.
    Outside a request (jobs, commands) there is nobody to record and nothing is noted."""
    pending = _denials.get()
    if pending is None:
        return
    if all(m is not model or p != pk for m, p in pending):
        pending.append((model, pk))


def _existing_pk(model: type[models.Model], pk: Any) -> Any:
    """The row's primary key when a row with this id exists (unscoped), else None; a malformed id
    is no row."""
    try:
        with transaction.atomic():
            return model._base_manager.filter(pk=pk).values_list("pk", flat=True).first()
    except (ValueError, TypeError, ValidationError, OverflowError, DatabaseError):
        return None


def record_scope_denials(pending: list[tuple[type[models.Model], Any]], *, actor, status_code: int) -> int:
    """Write one "scope.denied" record per noted lookup whose row exists, when the request answered
    404 to a signed-in actor. Returns how many were written. A failure to write is logged and does
    not turn the 404 into a 500 (which would tell the caller that the object exists)."""
    if not pending or status_code != 404 or not getattr(actor, "is_authenticated", False):
        return 0
    written = 0
    try:
        for model, pk in pending:
            existing = _existing_pk(model, pk)
            if existing is None:
                continue
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action=SCOPE_DENIED_ACTION,
                    result=AuditResult.DENIED,
                    object_type=model._meta.label_lower,
                    object_id=str(existing),
                )
            written += 1
    except DatabaseError:
        logger.exception("scope denial not recorded")
    return written


# ---- The auditor's own queries (SECURITY.md L1) ---------------------------------------------------

AUDIT_QUERY_VALUE_LENGTH = 200


def audit_query_record(*, actor, filters: Mapping[str, str], queryset: QuerySet[AuditEntry]):
    """Record one view of the audit trail ("audit.query"): the filters used (masked like every
    record's changes), how many rows matched and their id range (the record's object id, "first-last";
    empty when nothing matched). Returns the queryset pinned to the rows counted, so the rows shown
    or exported are exactly those, not including this record or any written after it."""
    figures = queryset.aggregate(count=Count("pk"), first=Min("pk"), last=Max("pk"))
    used = {
        str(key)[:AUDIT_QUERY_VALUE_LENGTH]: str(value)[:AUDIT_QUERY_VALUE_LENGTH]
        for key, value in filters.items()
        if value not in (None, "")
    }
    object_id = f"{figures['first']}-{figures['last']}" if figures["count"] else ""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AUDIT_QUERY_ACTION,
            object_type=AuditEntry._meta.label_lower,
            object_id=object_id,
            changes={"filters": used, "count": figures["count"]},
        )
    if figures["last"] is None:
        return queryset.none()
    return queryset.filter(pk__lte=figures["last"])


# ---- The chain ---------------------------------------------------------------------------------


def _canonical_value(name: str, value: Any) -> Any:
    """The value as it reads back from either database, so the writer and the verifier agree."""
    if name == "occurred_at":
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if name == "actor_id":
        return None if value is None else int(value)
    if name == "ip":
        return str(ipaddress.ip_address(str(value).strip())) if value else None
    if name == "changes":
        # Through JSON and back: tuples become lists, non-string keys strings, as the column stores.
        return json.loads(json.dumps(value, cls=AuditEntry._meta.get_field("changes").encoder))
    return "" if value is None else str(value)


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes a row's digest covers: its content fields and prev_digest, as sorted-key JSON."""
    payload = {name: _canonical_value(name, values[name]) for name in CHAIN_FIELDS}
    payload["prev_digest"] = values["prev_digest"]
    payload["v"] = 1
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_digest(values: Mapping[str, Any]) -> str:
    return hmac_sm3(key_for("audit"), canonical(values)).hex()


def seal(entry: AuditEntry) -> str:
    """The digest of an entry about to be inserted (its prev_digest already set)."""
    return compute_digest({name: getattr(entry, name) for name in (*CHAIN_FIELDS, "prev_digest")})


def chain_head(using: str = "default") -> str:
    """The digest of the last row (GENESIS for an empty table), read under the chain lock. Must run
    inside the transaction that then inserts the next row: the lock is held until it ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT safegrid_audit_chain_head()")
            head = cursor.fetchone()[0]
    else:
        head = AuditEntry.objects.using(using).order_by("-id").values_list("digest", flat=True).first()
    return head or GENESIS


@dataclass(frozen=True)
class ChainReport:
    """The outcome of `verify_chain`: `broken_id` is the first row that does not match (None if whole)."""

    count: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(*, using: str = "default", chunk_size: int = 2000) -> ChainReport:
    """Recompute the chain in id order, streaming. The first remaining row's prev_digest is trusted
    when it is GENESIS or the anchor a later "audit.purge" record names (rows before it were purged);
    every later row must link to its predecessor's digest and carry its own correct digest."""
    rows = (
        AuditEntry.objects.using(using)
        .order_by("id")
        .values("id", "digest", *CHAIN_FIELDS, "prev_digest")
        .iterator(chunk_size=chunk_size)
    )
    count = 0
    previous: str | None = None
    first: tuple[int, str] | None = None
    anchors: set[str] = set()
    for row in rows:
        count += 1
        if previous is None:
            first = (row["id"], row["prev_digest"])
        elif row["prev_digest"] != previous:
            return ChainReport(count, row["id"], _("前序摘要不符：其前一条记录被删除、插入或改动"))
        if compute_digest(row) != row["digest"]:
            return ChainReport(count, row["id"], _("摘要不符：该记录的内容或摘要被改动"))
        if row["action"] == PURGE_ACTION and isinstance(row["changes"], dict):
            anchors.add(str(row["changes"].get("anchor", "")))
        previous = row["digest"]
    if first is not None and first[1] != GENESIS and first[1] not in anchors:
        return ChainReport(count, first[0], _("首条记录的前序摘要没有对应的清理记录：链首记录被删除"))
    return ChainReport(count)


# ---- Retention and database protection ------------------------------------------------------------


class PurgeRefused(Exception):
    """The purge cannot run here (on PostgreSQL: not connected as the audit table's owner)."""


@dataclass(frozen=True)
class PurgeResult:
    count: int
    cutoff: datetime.datetime


def retention_days() -> int:
    return int(getattr(settings, "SAFEGRID_AUDIT_RETENTION_DAYS", 180))


def purge_expired(*, now: datetime.datetime | None = None, using: str = "default") -> PurgeResult:
    """Delete the audit rows older than the retention and record "audit.purge" (actor: the system).

    Deletes the oldest rows up to, not including, the first row still inside the retention, so the
    remaining rows stay one unbroken chain; the newest row is always kept (the head of the chain).
    On PostgreSQL the delete trigger is disabled for this transaction only (owner only; otherwise
    PurgeRefused and nothing changes)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    connection = connections[using]
    entries = AuditEntry.objects.using(using)
    with transaction.atomic(using=using):
        chain_head(using)  # the chain lock: no append between choosing the rows and the record
        last_id = entries.order_by("-id").values_list("id", flat=True).first()
        first_kept = (
            entries.filter(occurred_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        )
        limit = min(x for x in (first_kept, last_id) if x is not None) if last_id is not None else None
        count = 0
        if limit is not None and entries.filter(id__lt=limit).exists():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # Pending deferred FK checks of this transaction would block the ALTER.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    try:
                        with transaction.atomic(using=using):
                            cursor.execute(f'ALTER TABLE "{TABLE}" DISABLE TRIGGER "{DELETE_TRIGGER}"')
                    except DatabaseError as exc:
                        raise PurgeRefused(
                            _("清理审计记录须以审计表所有者的数据库账号运行（应用账号无权停用保护触发器）。")
                        ) from exc
                cursor.execute(f'DELETE FROM "{TABLE}" WHERE id < %s', [limit])  # noqa: S608 - constant name
                count = cursor.rowcount
                if connection.vendor == "postgresql":
                    cursor.execute(f'ALTER TABLE "{TABLE}" ENABLE TRIGGER "{DELETE_TRIGGER}"')
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's FKs: INITIALLY DEFERRED
        anchor = entries.order_by("id").values_list("prev_digest", flat=True).first() or GENESIS
        audit_record(
            actor=None,
            action=PURGE_ACTION,
            object_type=AuditEntry._meta.label_lower,
            changes={"count": count, "cutoff": cutoff.isoformat(), "anchor": anchor},
        )
    return PurgeResult(count, cutoff)


def revoke_app_role(role: str | None = None, *, using: str = "default") -> bool:
    """PostgreSQL: REVOKE UPDATE, DELETE, TRUNCATE on the audit table from the application's role
    (`SAFEGRID_DB_APP_ROLE`). Returns whether anything was run (not on SQLite, not without a role)."""
    role = role if role is not None else getattr(settings, "SAFEGRID_DB_APP_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return False
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{TABLE}" FROM {quoted}')
    return True
