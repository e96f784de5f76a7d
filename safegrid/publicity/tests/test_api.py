from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan
from safegrid.publicity.tests.world import seed_publicity


def test_record_and_patch_an_activity_through_the_api(world, client):
    client.force_login(world.users["sector_mining"])
    body = {
        "date": "2026-06-12",
        "title": "矿山安全进企业",
        "channel": "enterprise_visit",
        "organiser": world.org_mining_committee.pk,
        "region": world.t1.pk,
        "audience_count": 45,
        "sites_visited": [world.site11_mine.pk, world.site12_mine.pk],
    }
    response = client.post(reverse("api:publicity-activity-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["channel_display"], data["sector_id"], data["region_name"]) == (
        "进企业",
        world.mining.pk,
        "横水镇",
    )
    assert sorted(data["sites_visited"]) == sorted([world.site11_mine.pk, world.site12_mine.pk])
    url = reverse("api:publicity-activity-detail", args=[data["id"]])
    response = client.patch(url, {"audience_count": 50}, content_type="application/json")
    assert (response.status_code, response.json()["audience_count"]) == (200, 50)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "activity.record",
        "activity.update",
    ]


def test_api_bad_activity_is_a_chinese_400_and_writes_nothing(world, client):
    client.force_login(world.users["grid11"])
    body = {
        "title": "进企业",
        "channel": "enterprise_visit",
        "organiser": world.org_g11.pk,
        "region": world.g11.pk,
    }
    response = client.post(reverse("api:publicity-activity-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"sites_visited": ["进企业宣传请选择走访的场所。"]}
    response = client.post(
        reverse("api:publicity-activity-list"),
        {**body, "channel": "lecture", "region": world.g21.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("user", "status"),
    [("township1", 200), ("township2", 404), ("office_b", 404), ("leader", 403), ("enterprise11", 403)],
)
def test_api_activity_patch_is_scoped(world, client, user, status):
    activity = seed_publicity(world).activities["t1_broadcast"]
    client.force_login(world.users[user])
    url = reverse("api:publicity-activity-detail", args=[activity.pk])
    response = client.patch(url, {"audience_count": 999}, content_type="application/json")
    assert response.status_code == status
    activity.refresh_from_db()
    assert activity.audience_count == (999 if status == 200 else 300)
    assert AuditEntry.objects.exclude(action="scope.denied").count() == (1 if status == 200 else 0)


def test_plan_api_create_months_and_month_edit(world, client):
    client.force_login(world.users["office"])
    response = client.post(
        reverse("api:publicity-plan-list"),
        {"region": world.county.pk, "year": 2027},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "2027年崇义县安全生产宣传工作计划"
    assert [m["month"] for m in data["months"]] == list(range(1, 13))
    assert data["months"][5]["theme"] == "安全生产月"
    url = reverse("api:publicity-plan-month", args=[data["id"]])
    response = client.post(
        url,
        {"month": 6, "planned_activities": 8, "responsible_units": [world.org_t1.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    june = response.json()["months"][5]
    assert (june["planned_activities"], june["responsible_units"]) == (
        8,
        [{"id": world.org_t1.pk, "name": "横水镇人民政府"}],
    )
    response = client.patch(
        url, {"month": 6, "theme": "安全生产月：畅通生命通道"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["months"][5]["theme"] == "安全生产月：畅通生命通道"
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "publicity_plan.create",
        "publicity_plan.month_update",
        "publicity_plan.month_update",
    ]


def test_plan_api_months_gives_plan_against_delivery(world, client):
    p = seed_publicity(world)
    client.force_login(world.users["grid11"])
    response = client.get(reverse("api:publicity-plan-months", args=[p.plans["county"].pk]))
    assert response.status_code == 200
    rows = {r["month"]: r for r in response.json()}
    assert sorted(rows) == list(range(1, 13))
    # grid11 sees G11's activities only: the 31 May visit to two sites and the 1 June lecture.
    assert {
        k: rows[5][k] for k in ("held", "audience", "enterprise_visits", "sites_visited", "lectures")
    } == {
        "held": 1,
        "audience": 12,
        "enterprise_visits": 1,
        "sites_visited": 2,
        "lectures": 0,
    }
    assert (rows[6]["held"], rows[6]["lectures"], rows[6]["theme"]) == (1, 1, "安全生产月")


@pytest.mark.parametrize(
    ("user", "status"),
    [("office", 200), ("office_b", 404), ("township1", 403), ("grid11", 403), ("sysadmin", 403)],
)
def test_plan_month_api_is_scoped(world, client, user, status):
    plan = seed_publicity(world).plans["county"]
    client.force_login(world.users[user])
    url = reverse("api:publicity-plan-month", args=[plan.pk])
    response = client.post(url, {"month": 6, "planned_activities": 7}, content_type="application/json")
    assert response.status_code == status
    assert plan.months.get(month=6).planned_activities == (7 if status == 200 else 2)
    assert AuditEntry.objects.exclude(action="scope.denied").count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(("user", "status"), [("office_b", 404), ("enterprise11", 403), ("township2", 200)])
def test_plan_months_api_read_scope(world, client, user, status):
    plan = seed_publicity(world).plans["county"]
    client.force_login(world.users[user])
    assert client.get(reverse("api:publicity-plan-months", args=[plan.pk])).status_code == status


def test_plan_api_bad_input_is_chinese_and_writes_nothing(world, client):
    plan = seed_publicity(world).plans["county"]
    client.force_login(world.users["office"])
    response = client.post(
        reverse("api:publicity-plan-list"),
        {"region": world.county.pk, "year": 2026},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"__all__": ["该县（区）本年度已有宣传计划。"]},
    )
    response = client.post(
        reverse("api:publicity-plan-month", args=[plan.pk]),
        {"month": 6, "responsible_units": [world.org_b.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "responsible_units" in response.json()["errors"]
    assert (PublicityPlan.objects.count(), PlanMonth.objects.count(), AuditEntry.objects.count()) == (
        2,
        24,
        0,
    )
