"""API: exact payloads, 404 outside scope, 403 without the capability, Chinese 400 with nothing
written, actions, compliance, constant query counts for lists."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.emergency.models import DrillPlanEntry, DrillProblem, DrillRecord, EmergencyPlan, RevisionTask
from safegrid.emergency.services import place
from safegrid.hazards.models import Hazard


def test_plan_detail_payload(world, client, e):
    client.force_login(world.users["enterprise11"])
    body = client.get(reverse("api:emergency-plan-detail", args=[e.plans["site11_mine"].pk])).json()
    assert {
        k: body[k] for k in ("kind", "version", "site", "organisation", "review_required", "filing_due")
    } == {
        "kind": "on_site",
        "version": 1,
        "site": world.site11_mine.pk,
        "organisation": None,
        "review_required": True,
        "filing_due": "2026-02-24",
    }
    assert body["filing_status"] == "overdue"
    assert [v["version"] for v in body["versions"]] == [1]


def test_create_plan_then_file_it_on_time(world, client):
    client.force_login(world.users["township1"])
    created = client.post(
        reverse("api:emergency-plan-list"),
        {
            "kind": "special",
            "title": "横水镇防汛专项应急预案",
            "organisation": world.org_t1.pk,
            "issued_on": "2026-09-25",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["filing_due"], body["filing_status"], body["region"], body["sector_id"]) == (
        "2026-10-29",
        "overdue",
        world.t1.pk,
        None,
    )
    filed = client.post(
        reverse("api:emergency-plan-file", args=[body["id"]]),
        {"filed_on": "2026-10-29", "filed_with": "崇义县应急管理局"},
        content_type="application/json",
    )
    assert (filed.status_code, filed.json()["filing_status"]) == (200, "on_time")


def test_plan_outside_scope_is_404_and_unchanged(world, client, e):
    client.force_login(world.users["township1"])
    plan = e.plans["t2"]
    before = AuditEntry.objects.count()
    for name in ("file", "review", "evaluate", "revise"):
        response = client.post(
            reverse(f"api:emergency-plan-{name}", args=[plan.pk]), {}, content_type="application/json"
        )
        assert response.status_code == 404, name
    assert client.get(reverse("api:emergency-plan-detail", args=[plan.pk])).status_code == 404
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before
    assert EmergencyPlan.objects.get(pk=plan.pk).version == 1


def test_readers_without_the_capability_to_keep_get_403(world, client, e):
    client.force_login(world.users["grid11"])
    before = (EmergencyPlan.objects.count(), DrillRecord.objects.count(), DrillPlanEntry.objects.count())
    for route in ("api:emergency-plan-list", "api:drill-plan-list", "api:drill-list"):
        assert client.post(reverse(route), {}, content_type="application/json").status_code == 403
    response = client.post(
        reverse("api:emergency-plan-file", args=[e.plans["g11_unit"].pk]),
        {"filed_on": "2026-06-01", "filed_with": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        EmergencyPlan.objects.count(),
        DrillRecord.objects.count(),
        DrillPlanEntry.objects.count(),
    ) == before


def test_bad_input_is_a_chinese_400_and_writes_nothing(world, client, e):
    client.force_login(world.users["office"])
    before = (DrillRecord.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("api:drill-list"),
        {
            "title": "县城演练",
            "held_on": "2026-08-01",
            "kind": "giant",
            "mode": "live",
            "place_kind": "road",
            "participants": 0,
            "organisation": world.org_office.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["errors"]) == {"kind", "participants"}
    assert (DrillRecord.objects.count(), AuditEntry.objects.count()) == before


def test_review_refusal_explains_itself_in_chinese(world, client, e):
    client.force_login(world.users["enterprise11"])
    response = client.post(
        reverse("api:emergency-plan-review", args=[e.plans["site11_mine"].pk]),
        {"method": "validation", "reviewed_on": "2026-01-10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["method"] == [
        "该单位属于应当组织专家评审的单位，请选择“评审”并填写评审纪要。"
    ]


def test_problem_hazard_and_revision_actions(world, client, e):
    drill = e.drills["site11_mine"]
    client.force_login(world.users["enterprise11"])
    url = reverse("api:drill-problem-hazard", args=[drill.pk])
    response = client.post(
        url,
        {"problem": e.problems["site11_mine:0"].pk, "category": "management"},
        content_type="application/json",
    )
    assert response.status_code == 200
    problems = {p["id"]: p for p in response.json()["problems"]}
    hazard = Hazard.objects.get(source="drill")
    assert problems[e.problems["site11_mine:0"].pk]["hazard_number"] == hazard.number
    assert (hazard.region_path, hazard.sector_id, hazard.site_id) == (
        world.g11.path,
        world.mining.pk,
        world.site11_mine.pk,
    )
    again = client.post(
        url,
        {"problem": e.problems["site11_mine:0"].pk, "category": "management"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "请勿重复上报" in again.json()["detail"]
    revision = client.post(
        reverse("api:drill-problem-revision", args=[drill.pk]),
        {"problem": e.problems["site11_mine:1"].pk},
        content_type="application/json",
    )
    assert revision.status_code == 200
    task = RevisionTask.objects.get()
    assert (task.plan_id, task.trigger, task.is_open) == (e.plans["site11_mine"].pk, "drill", True)


def test_problem_action_on_another_drills_problem_is_404(world, client, e):
    client.force_login(world.users["office"])
    response = client.post(
        reverse("api:drill-problem-hazard", args=[e.drills["county"].pk]),
        {"problem": e.problems["site11_mine:0"].pk, "category": "thing"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Hazard.objects.filter(source="drill").exists()


def test_compliance_api_matches_the_selector_and_checks_the_year(world, client, e):
    client.force_login(world.users["township1"])
    body = client.get(reverse("api:drill-compliance"), {"year": 2026}).json()
    assert {(r["unit_kind"], r["unit"]) for r in body} >= {
        ("organisation", "横水镇人民政府"),
        ("site", "横水钨矿"),
    }
    assert all("扬眉" not in r["unit"] for r in body)
    bad = client.get(reverse("api:drill-compliance"), {"year": "明年"})
    assert bad.status_code == 400 and bad.json()["errors"]["year"] == ["年度应为 2000 至 2100 之间的整数。"]


def _grow(world, n):
    """n more plans, entries and drills (with problems) at several owners."""
    author = world.users["office"]
    for i in range(n):
        for model, extra in (
            (
                EmergencyPlan,
                {
                    "kind": "on_site",
                    "title": f"加测预案{i}",
                    "issued_on": datetime.date(2026, 3, 2),
                    "filing_due": datetime.date(2026, 3, 30),
                    "next_evaluation_due": datetime.date(2029, 3, 2),
                },
            ),
            (
                DrillPlanEntry,
                {"year": 2026, "month": 5, "place_kind": "mall", "place": "x", "theme": f"加测计划{i}"},
            ),
        ):
            row = model(created_by=author, **extra)
            place(row, organisation=None, site=world.site12_mine if i % 2 else world.site11_mall)
            row.save()
        drill = DrillRecord(
            title=f"加测演练{i}",
            held_on=datetime.date(2026, 5, 1),
            kind="single",
            mode="live",
            place_kind="mall",
            place="x",
            participants=5,
            plan=EmergencyPlan.objects.get(title=f"加测预案{i}"),
            created_by=author,
        )
        place(drill, organisation=world.org_t1 if i % 2 else None, site=None if i % 2 else world.site11_mall)
        drill.save()
        DrillProblem.objects.create(drill=drill, description="x")


@pytest.mark.parametrize(
    "route",
    [
        "emergency:plan_list",
        "emergency:drill_plan_list",
        "emergency:drill_list",
        "emergency:compliance",
        "api:emergency-plan-list",
        "api:drill-plan-list",
        "api:drill-list",
        "api:drill-compliance",
    ],
)
def test_list_query_count_does_not_grow_with_rows(world, client, e, route):
    client.force_login(world.users["office"])
    url = reverse(route)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    count()
    before = count()
    _grow(world, 6)
    assert count() == before
