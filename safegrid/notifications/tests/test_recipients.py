"""Who is told of a hazard's step, checked against an oracle written from the rule itself (walking
the region tree, not comparing paths): active officers in a role handling the hazard's level whose
grant lies on the hazard's region or above it and covers its sector; the enterprise managers of the
hazard's site. The notifications are written by one statement however many hazards there are."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from safegrid.accounts.models import RoleAssignment
from safegrid.accounts.roles import ROLE_HANDLING_LEVEL, Role
from safegrid.hazards.models import Hazard
from safegrid.notifications import services
from safegrid.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world):
    """The world plus the cases the rule must tell apart."""
    extra = {
        "sector_fire": make_user("sector_fire", Role.SECTOR_OFFICER, world.county, sectors=[world.fire]),
        "sector_both": make_user(
            "sector_both", Role.SECTOR_OFFICER, world.county, sectors=[world.fire, world.mining]
        ),
        "township1_left": make_user("township1_left", Role.TOWNSHIP_OFFICER, world.t1),
        "grid12": make_user("grid12", Role.GRID_WORKER, world.g12),
        "enterprise_mall": make_user(
            "enterprise_mall", Role.ENTERPRISE_MANAGER, world.g11, site=world.site11_mall
        ),
        "leader_b": make_user("leader_b", Role.COUNTY_LEADER, world.county_b),
        "city_office": make_user("city_office", Role.COUNTY_OFFICE, world.city),
    }
    extra["township1_left"].is_active = False
    extra["township1_left"].save(update_fields=["is_active"])
    world.users.update(extra)
    return world


def _ancestors_or_self(region) -> set[int]:
    seen = set()
    while region is not None:
        seen.add(region.pk)
        region = region.parent
    return seen


def _oracle(hazard: Hazard, *, level_users: bool, unit_users: bool) -> set[str]:
    places = _ancestors_or_self(hazard.site.grid)
    told = set()
    for grant in RoleAssignment.objects.select_related("user").prefetch_related("sectors"):
        if not grant.user.is_active or grant.region_id not in places:
            continue
        sectors = {s.pk for s in grant.sectors.all()}
        if unit_users and grant.role == Role.ENTERPRISE_MANAGER and grant.site_id == hazard.site_id:
            told.add(grant.user.username)
        if (
            level_users
            and ROLE_HANDLING_LEVEL.get(grant.role) == hazard.level
            and (not sectors or hazard.sector_id in sectors)
        ):
            told.add(grant.user.username)
    return told


def _told(hazard: Hazard, kind: str) -> set[str]:
    return set(
        Notification.objects.filter(hazard=hazard, kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.mark.parametrize("kind", list(services.KIND_AUDIENCE))
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_each_kind_reaches_exactly_the_people_the_rule_names(crowd, kind, level):
    hazards = [crowd.hazards["g11"], crowd.hazards["g12"], crowd.hazards["g21"], crowd.hazards["g31"]]
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(level=level)
    for hazard in hazards:
        hazard.refresh_from_db()
    audience = services.KIND_AUDIENCE[kind]
    created = services._hazard_notifications(
        kind=kind, ids=[h.pk for h in hazards], today=timezone.localdate(), **audience
    )
    expected = {h.pk: _oracle(h, **audience) for h in hazards}
    assert {h.pk: _told(h, kind) for h in hazards} == expected
    assert created == sum(len(users) for users in expected.values())
    assert created > 0


def test_the_cases_that_tell_the_rule_apart(crowd):
    """Spelled out for the mining hazard of the first grid at the sector level (2) and for a unit."""
    hazard = crowd.hazards["g11"]  # 横水钨矿, mining, grid 11 of township 1
    Hazard.objects.filter(pk=hazard.pk).update(level=2)
    services.notify_hazard(hazard=hazard, kind=NotificationKind.ESCALATED)
    # sector_fire covers fire only; grid12 and leader_b are elsewhere
    assert _told(hazard, "escalated") == {"sector_mining", "sector_both"}
    Hazard.objects.filter(pk=hazard.pk).update(level=1)
    services.notify_hazard(hazard=hazard, kind=NotificationKind.OVERDUE)
    # the officer who left (inactive) and the manager of the other site of the grid are not told
    assert _told(hazard, "overdue") == {"township1", "grid11", "enterprise11"}
    Hazard.objects.filter(pk=hazard.pk).update(level=3)
    services.notify_hazard(hazard=hazard, kind=NotificationKind.SUPERVISION)
    # a county office anchored above the county (the city) covers it too; no sectors: every sector
    assert _told(hazard, "supervision") == {"office", "city_office", "enterprise11"}


def test_the_actor_is_not_told_of_their_own_step(crowd):
    hazard = crowd.hazards["g11"]
    Hazard.objects.filter(pk=hazard.pk).update(level=1)
    services.notify_hazard(
        hazard=hazard, kind=NotificationKind.VERIFY, exclude_user_id=crowd.users["grid11"].pk
    )
    assert _told(hazard, "verify") == {"township1"}


def test_the_text_is_the_sites_language_with_the_hazards_values(crowd, settings):
    hazard = crowd.hazards["g11"]
    # a description quoting a placeholder is shown as written, not substituted
    long = "配电箱 %(site)s 未接地" + "很" * 300
    Hazard.objects.filter(pk=hazard.pk).update(description=long, deadline=datetime.date(2026, 3, 9))
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("en"):  # the request's language does not matter
        services.notify_hazard(hazard=hazard, kind=NotificationKind.ASSIGNED)
    note = Notification.objects.get(hazard=hazard, kind="assigned")
    assert note.title == "隐患 YH-g11 已交办给贵单位，请于 2026-03-09 前完成整改"
    assert note.body == "横水钨矿：" + long[:200]
    assert note.day == timezone.localdate()
    assert note.created_at is not None
    Hazard.objects.filter(pk=hazard.pk).update(deadline=None)
    services.notify_hazard(hazard=hazard, kind=NotificationKind.DUE_SOON)
    assert Notification.objects.get(hazard=hazard, kind="due_soon").title == "隐患 YH-g11 将于 — 到期"


def test_once_a_day_per_recipient_hazard_and_kind(crowd):
    hazard = crowd.hazards["g11"]
    assert services.notify_hazard(hazard=hazard, kind=NotificationKind.ASSIGNED) == 1
    assert services.notify_hazard(hazard=hazard, kind=NotificationKind.ASSIGNED) == 0
    assert Notification.objects.filter(hazard=hazard, kind="assigned").count() == 1


def test_the_sweep_notifies_any_number_of_hazards_in_one_statement_per_kind(crowd):
    hazards = list(Hazard.objects.order_by("pk"))
    ids = [h.pk for h in hazards]
    with CaptureQueriesContext(connection) as queries:
        created = services.notify_sweep(escalated_ids=ids, noticed_ids=ids[:2])
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "notifications_notification"')]
    assert len(inserts) == 2
    assert len(queries) == 2
    expected = sum(len(_oracle(h, level_users=True, unit_users=True)) for h in hazards) + sum(
        len(_oracle(h, level_users=True, unit_users=True)) for h in hazards[:2]
    )
    assert created == expected == Notification.objects.count()


def test_no_hazards_no_query(crowd):
    with CaptureQueriesContext(connection) as queries:
        assert services.notify_sweep(escalated_ids=[], noticed_ids=[]) == 0
    assert len(queries) == 0
