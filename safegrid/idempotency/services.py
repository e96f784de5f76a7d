"""Claiming, completing and releasing idempotency keys (IETF draft "The Idempotency-Key HTTP Header
Field"). HTTP-free: the DRF side lives in `safegrid.idempotency.api`.

The claim is committed on its own before the request runs (so a concurrent duplicate sees it and is
refused), and the response is stored in the same transaction as the business write (so a created
row and its stored response are committed together or not at all).

On PostgreSQL the claim's commit does not wait for its WAL to reach the disk (`SET LOCAL
synchronous_commit TO OFF`, PostgreSQL manual §28.4 "Asynchronous Commit"): the WAL is flushed in
order, so the business transaction's own durable commit makes the claim before it durable too, and a
crash before that loses both, after which the client's retry simply claims the key again. That
saves a phone's report one disk flush (about 4 ms on the benchmark machine, issue 9 (c)); the
business write keeps its synchronous commit."""

from __future__ import annotations

import datetime
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from safegrid.core.crypto import decrypt_text, encrypt_text, sm3

from .models import IdempotencyKey

DEFAULT_TTL_HOURS = 24
DEFAULT_STALE_SECONDS = 300


class KeyReused(Exception):
    """The key was used before for a different request (method, path or body)."""


class KeyInFlight(Exception):
    """The first request with this key is still running."""


@dataclass(frozen=True)
class Claimed:
    """This request owns the key and runs; `record` is completed or released after it."""

    record: IdempotencyKey


@dataclass(frozen=True)
class Replay:
    """A request with this key and this body succeeded before: answer with its response."""

    status: int
    body: Any


def ttl() -> datetime.timedelta:
    return datetime.timedelta(
        hours=int(getattr(settings, "SAFEGRID_IDEMPOTENCY_TTL_HOURS", DEFAULT_TTL_HOURS))
    )


def stale_after() -> datetime.timedelta:
    seconds = int(getattr(settings, "SAFEGRID_IDEMPOTENCY_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    return datetime.timedelta(seconds=seconds)


def fingerprint(*, method: str, path: str, body: Any) -> str:
    """SM3 over the method, path and a canonical form of the body (key order and whitespace do not
    matter; files count by name, size and content digest)."""
    canonical = json.dumps(
        [method.upper(), path, body],
        cls=JSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return sm3(canonical.encode()).hex()


def _aad(record: IdempotencyKey) -> str:
    return f"idempotency:{record.user_id}:{record.key}"


def idempotency_claim(*, user, key: str, method: str, path: str, fingerprint: str) -> Claimed | Replay:
    """Claim `key` for this user's request, or say how an earlier request with it ended.

    Raises KeyReused (same key, different request) and KeyInFlight (the first request still runs).
    An expired key, or a claim abandoned longer than SAFEGRID_IDEMPOTENCY_STALE_SECONDS (a worker
    that died mid-request wrote nothing, as its write was one transaction), is taken over."""
    using = router.db_for_write(IdempotencyKey)
    for _attempt in range(3):
        now = timezone.now()
        try:
            with _claim_transaction(using):
                record = IdempotencyKey.objects.using(using).create(
                    user=user,
                    key=key,
                    method=method,
                    path=path[:255],
                    fingerprint=fingerprint,
                    created_at=now,
                    locked_at=now,
                )
            return Claimed(record)
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # released between our insert and our read: try again
        if existing.created_at <= now - ttl():
            IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if (existing.method, existing.path, existing.fingerprint) != (method, path[:255], fingerprint):
            raise KeyReused
        if existing.in_flight:
            if existing.locked_at <= now - stale_after():
                taken = IdempotencyKey.objects.filter(
                    pk=existing.pk, response_status__isnull=True, locked_at=existing.locked_at
                ).update(locked_at=now)
                if taken:
                    existing.locked_at = now
                    return Claimed(existing)
            raise KeyInFlight
        return Replay(
            existing.response_status, json.loads(decrypt_text(existing.response_body, aad=_aad(existing)))
        )
    raise KeyInFlight  # pragma: no cover - three races in a row


@contextmanager
def _claim_transaction(using: str):
    """The claim's own transaction; on PostgreSQL, when it is a real transaction (not a savepoint
    inside someone else's, whose commit must stay synchronous), committed without waiting for the
    disk (see the module's docstring)."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def idempotency_complete(*, record: IdempotencyKey, status: int, body: Any) -> None:
    """Store the successful response; call inside the transaction of the business write."""
    text = json.dumps(body, cls=JSONEncoder, ensure_ascii=False)
    IdempotencyKey.objects.filter(pk=record.pk).update(
        response_status=status, response_body=encrypt_text(text, aad=_aad(record))
    )


def idempotency_release(*, record: IdempotencyKey) -> None:
    """Forget a claim whose request failed (it changed nothing), so the client may retry it."""
    IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def idempotency_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete keys older than the time to live; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _per_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
