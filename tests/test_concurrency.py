"""Concurrency on real PostgreSQL (SECURITY.md H2, H3, H4): K=16 threads, each with its own
database connection, hit the API at the same moment.

- the same hazard transition: exactly 1 success and 15 conflicts (409); the version moves by 1;
  one event and one audit row;
- the same Idempotency-Key: exactly one row, every 201 the same response, the others 409;
- a duplicate sent while the first request is still running: 409, then the retry replays the 201.

Skipped on SQLite (no row locks, one writer); SAFEGRID_REQUIRE_PG=1 turns the skip into a failure."""

from __future__ import annotations

import datetime
import os
import threading
import uuid

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import build_world
from safegrid.core.models import AuditEntry
from safegrid.hazards import services as hazard_services
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.idempotency.models import IdempotencyKey

pytestmark = pytest.mark.django_db(transaction=True)

K = 16
TODAY = timezone.localdate()


def require_postgres() -> None:
    if connection.vendor == "postgresql":
        return
    message = "concurrency needs PostgreSQL row locks (DATABASE_URL=postgres://…)"
    if os.environ.get("SAFEGRID_REQUIRE_PG") == "1":
        pytest.fail(f"SAFEGRID_REQUIRE_PG=1: {message}")
    pytest.skip(message)


def phone(user) -> APIClient:
    _instance, key = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def at_once(calls) -> list:
    """Run the callables in K threads released together; each thread uses and closes its own
    connection. Returns the results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # a thread's failure is a result to assert on, not a hang
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def assign_body(world, version=None) -> dict:
    body = {
        "grade": "general",
        "responsible_org": world.org_t1.pk,
        "responsible_person": "王经理",
        "deadline": str(TODAY + datetime.timedelta(days=10)),
    }
    return body if version is None else {**body, "version": version}


def test_sixteen_simultaneous_assignments_one_wins_per_hazard(figure):
    require_postgres()
    world = build_world()
    hazards = [world.hazards["g11"], world.hazards["g12"]]
    clients = [phone(world.users["township1"]) for _ in range(K)]
    statuses: list[list[int]] = []
    for hazard in hazards:
        url = reverse("api:hazard-assign", args=[hazard.pk])
        responses = at_once(
            [
                lambda c=c, url=url: c.post(
                    url, assign_body(world), format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
                )
                for c in clients
            ]
        )
        statuses.append(sorted(getattr(r, "status_code", repr(r)) for r in responses))
    rows = Hazard.objects.filter(pk__in=[h.pk for h in hazards]).order_by("pk")
    assigns = [HazardEvent.objects.filter(hazard=h, action="assign").count() for h in hazards]
    audits = [AuditEntry.objects.filter(action="hazard.assign", object_id=str(h.pk)).count() for h in hazards]
    successes = [s.count(200) for s in statuses]
    figure(
        "Concurrency",
        "concurrent transitions",
        fixed={"threads": K},
        objects=len(hazards),
        lost_updates=sum(ok - (row.version - 1) for ok, row in zip(successes, rows, strict=True)),
        double_transitions=sum(n - 1 for n in assigns if n > 1),
    )
    assert statuses == [[200] + [409] * (K - 1)] * len(hazards)
    assert [(r.status, r.version) for r in rows] == [("assigned", 2)] * len(hazards)
    assert (assigns, audits) == ([1] * len(hazards), [1] * len(hazards))


def test_sixteen_simultaneous_service_calls_with_the_seen_version(figure):
    """The same through the service with `expected_version` (the phone's `version` field)."""
    require_postgres()
    world = build_world()
    hazard_pk, actor_pk = world.hazards["g21"].pk, world.users["township2"].pk

    def attempt():
        from safegrid.accounts.models import User
        from safegrid.core.exceptions import TransitionNotAllowed

        actor, hazard = User.objects.get(pk=actor_pk), Hazard.objects.get(pk=hazard_pk)
        try:
            hazard_services.hazard_escalate(actor=actor, hazard=hazard, reason="并发提级", expected_version=1)
        except TransitionNotAllowed:
            return "conflict"
        return "ok"

    outcomes = at_once([attempt] * K)
    hazard = Hazard.objects.get(pk=hazard_pk)
    escalations = HazardEvent.objects.filter(hazard_id=hazard_pk, action="escalate").count()
    figure(
        "Concurrency",
        "concurrent transitions",
        objects=1,
        lost_updates=outcomes.count("ok") - (hazard.version - 1),
        double_transitions=max(escalations - 1, 0),
    )
    assert sorted(outcomes) == ["conflict"] * (K - 1) + ["ok"]
    assert (hazard.level, hazard.version, escalations) == (2, 2, 1)
    assert AuditEntry.objects.filter(action="hazard.escalate", object_id=str(hazard_pk)).count() == 1


def test_sixteen_simultaneous_submissions_with_one_key_make_one_hazard(figure):
    require_postgres()
    world = build_world()
    _instance, token = AuthToken.objects.create(user=world.users["grid11"])
    clients = [APIClient() for _ in range(K)]  # one phone, one token; a client object per thread
    for client in clients:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"site": world.site11_mall.pk, "description": "并发重复提交", "category": "management"}
    responses = at_once(
        [
            lambda c=c: c.post("/api/v1/hazards/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
            for c in clients
        ]
    )
    rows = Hazard.objects.filter(description="并发重复提交").count()
    figure("Idempotency", "duplicate submissions", duplicates=K - 1, duplicate_rows=rows - 1)
    codes = [getattr(r, "status_code", repr(r)) for r in responses]
    assert set(codes) <= {201, 409} and codes.count(201) >= 1, codes
    assert {r.content for r in responses if r.status_code == 201} == {
        next(r.content for r in responses if r.status_code == 201)
    }
    assert all(r.json()["code"] == "idempotency_in_progress" for r in responses if r.status_code == 409)
    assert rows == 1
    assert AuditEntry.objects.filter(action="hazard.report").count() == 1
    assert IdempotencyKey.objects.filter(key="same").count() == 1


def test_a_duplicate_while_the_first_runs_is_409_then_the_retry_replays(monkeypatch):
    require_postgres()
    world = build_world()
    client = phone(world.users["grid11"])
    body = {"site": world.site11_mall.pk, "description": "慢网络重复提交", "category": "management"}
    started, release = threading.Event(), threading.Event()
    real_report = hazard_services.hazard_report

    def slow_report(**kwargs):
        started.set()
        assert release.wait(timeout=30)
        return real_report(**kwargs)

    monkeypatch.setattr(hazard_services, "hazard_report", slow_report)
    first: list = []

    def send_first():
        try:
            first.append(client.post("/api/v1/hazards/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow"))
        finally:
            connections.close_all()

    thread = threading.Thread(target=send_first)
    thread.start()
    assert started.wait(timeout=30)
    duplicate = client.post("/api/v1/hazards/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow")
    release.set()
    thread.join(timeout=60)
    retry = client.post("/api/v1/hazards/", body, format="json", HTTP_IDEMPOTENCY_KEY="slow")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "idempotency_in_progress")
    assert (first[0].status_code, retry.status_code, retry.json()) == (201, 201, first[0].json())
    assert Hazard.objects.filter(description="慢网络重复提交").count() == 1


def test_two_simultaneous_patches_from_one_etag_apply_once(figure):
    require_postgres()
    world = build_world()
    from safegrid.publicity.tests.world import seed_publicity

    activity = seed_publicity(world).activities["t1_broadcast"]
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    clients = [phone(world.users["township1"]) for _ in range(K)]
    etag = clients[0].get(url).headers["ETag"]
    responses = at_once(
        [
            lambda c=c, n=n: c.patch(url, {"audience_count": 1000 + n}, format="json", HTTP_IF_MATCH=etag)
            for n, c in enumerate(clients)
        ]
    )
    codes = sorted(r.status_code for r in responses)
    activity.refresh_from_db()
    winner = next(r.json()["audience_count"] for r in responses if r.status_code == 200)
    figure(
        "Concurrency",
        "simultaneous edits from one ETag (PostgreSQL)",
        fixed={"clients": K},
        lost_updates=codes.count(200) - 1 + int(activity.audience_count != winner),
        applied=AuditEntry.objects.filter(action="activity.update").count(),
    )
    assert codes == [200] + [412] * (K - 1)
    assert activity.audience_count == winner
    assert AuditEntry.objects.filter(action="activity.update").count() == 1


def test_the_sweep_leaves_a_hazard_changed_while_it_waited_and_escalates_the_rest():
    """The sweep updates and records in one statement without locking first: a hazard whose row a
    concurrent transaction holds is re-checked once that transaction commits — moved on to
    整改完成待验收 meanwhile, it is no longer owed, so it is neither escalated nor given an event."""
    require_postgres()
    world = build_world()
    moved_on, owed = world.hazards["g11"].pk, world.hazards["g12"].pk
    long_ago = datetime.date(2000, 1, 1)
    Hazard.objects.filter(pk__in=[moved_on, owed]).update(status="rectifying", level=1, deadline=long_ago)
    locked, waited = threading.Event(), threading.Event()

    def submit_meanwhile():
        from django.db import transaction

        with transaction.atomic():
            Hazard.objects.select_for_update().get(pk=moved_on)
            locked.set()
            with connection.cursor() as cursor:
                for _poll in range(600):  # until the sweep waits for this row (at most 30 s)
                    # The activity view is a snapshot per transaction unless cleared.
                    cursor.execute("SELECT pg_stat_clear_snapshot()")
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database() AND query LIKE 'WITH moved AS (UPDATE%'"
                    )
                    if cursor.fetchone()[0]:
                        waited.set()
                        break
                    threading.Event().wait(0.05)
            Hazard.objects.filter(pk=moved_on).update(status="submitted")
        return "submitted"

    def sweep():
        locked.wait(timeout=30)
        return hazard_services.hazard_sweep_overdue()

    outcome, result = at_once([submit_meanwhile, sweep])
    assert waited.is_set() and outcome == "submitted"
    rows = dict(Hazard.objects.filter(pk__in=[moved_on, owed]).values_list("pk", "status"))
    assert rows == {moved_on: "submitted", owed: "reported"}
    assert not HazardEvent.objects.filter(hazard_id=moved_on, action="sweep_escalate").exists()
    assert list(
        HazardEvent.objects.filter(hazard_id=owed, action="sweep_escalate").values_list(
            "from_status", "to_status", "from_level", "to_level"
        )
    ) == [("rectifying", "reported", 1, 2)]
    assert result["escalated"] == HazardEvent.objects.filter(action="sweep_escalate").count()
