"""Idempotency keys expire after 24 hours (purged, or replaced when the key comes again), and a
stored response is encrypted at rest."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safegrid.idempotency import services
from safegrid.idempotency.models import IdempotencyKey

pytestmark = pytest.mark.django_db

PATH = "/api/v1/hazards/"


def claim(user, key="k", body=None):
    fp = services.fingerprint(method="POST", path=PATH, body=body or {"a": 1})
    return services.idempotency_claim(user=user, key=key, method="POST", path=PATH, fingerprint=fp)


def test_the_fingerprint_ignores_key_order_but_not_values():
    one = services.fingerprint(method="POST", path=PATH, body={"a": 1, "b": [1, 2]})
    assert one == services.fingerprint(method="post", path=PATH, body={"b": [1, 2], "a": 1})
    assert one != services.fingerprint(method="POST", path=PATH, body={"a": 1, "b": [2, 1]})
    assert one != services.fingerprint(method="POST", path="/api/v1/inspections/", body={"a": 1, "b": [1, 2]})


def test_a_completed_claim_replays_and_its_body_is_encrypted_at_rest(world):
    user = world.users["grid11"]
    claimed = claim(user)
    services.idempotency_complete(record=claimed.record, status=201, body={"description": "安全出口被堵"})
    assert claim(user) == services.Replay(201, {"description": "安全出口被堵"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM idempotency_idempotencykey")
        (stored,) = cursor.fetchone()
    assert "安全出口被堵" not in stored and stored


def test_an_expired_key_is_a_new_key(world, settings):
    user = world.users["grid11"]
    services.idempotency_complete(record=claim(user).record, status=201, body={"id": 1})
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=24, seconds=1))
    again = claim(user, body={"different": True})
    assert isinstance(again, services.Claimed)
    assert IdempotencyKey.objects.count() == 1


def test_purge_deletes_only_keys_past_their_time_to_live(world):
    user = world.users["grid11"]
    for key in ("old", "young"):
        claim(user, key)
    now = timezone.now()
    IdempotencyKey.objects.filter(key="old").update(created_at=now - datetime.timedelta(hours=25))
    IdempotencyKey.objects.filter(key="young").update(created_at=now - datetime.timedelta(hours=23))
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


def test_a_released_claim_frees_the_key(world):
    user = world.users["grid11"]
    services.idempotency_release(record=claim(user).record)
    assert IdempotencyKey.objects.count() == 0
    assert isinstance(claim(user, body={"fixed": True}), services.Claimed)


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


ASYNC_CLAIM = "SET LOCAL synchronous_commit TO OFF"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is a PostgreSQL setting"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_claim_alone_commits_without_waiting_for_the_disk(world):
    user = world.users["grid11"]
    with CaptureQueriesContext(connection) as queries:
        claimed = claim(user)
    sql = [q["sql"] for q in queries]
    assert sql.index(ASYNC_CLAIM) < next(i for i, s in enumerate(sql) if s.startswith("INSERT"))
    assert _synchronous_commit() == "on"  # SET LOCAL ended with the claim's transaction
    # The business write and its stored response commit as usual.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.idempotency_complete(record=claimed.record, status=201, body={"id": 1})
        assert _synchronous_commit() == "on"
    assert ASYNC_CLAIM not in [q["sql"] for q in queries]
    assert IdempotencyKey.objects.get().response_status == 201


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_claim_inside_another_transaction_leaves_its_commit_synchronous(world):
    user = world.users["grid11"]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        claim(user)
        assert _synchronous_commit() == "on"
    assert ASYNC_CLAIM not in [q["sql"] for q in queries]
