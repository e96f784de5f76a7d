"""Pages: capability (403), scope (404), bad input (400, Chinese, nothing written), htmx partials,
step forms and problem actions, navigation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.emergency.models import DrillRecord, EmergencyPlan
from safegrid.hazards.models import Hazard

LISTS = ["emergency:plan_list", "emergency:drill_plan_list", "emergency:drill_list", "emergency:compliance"]


@pytest.mark.parametrize("name", LISTS)
def test_lists_open_for_readers_and_are_403_for_administrators(world, client, e, name):
    client.force_login(world.users["expert"])
    assert client.get(reverse(name)).status_code == 200
    client.force_login(world.users["secadmin"])
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("name", "partial"),
    [
        ("emergency:plan_list", "emergency/_plan_table.html"),
        ("emergency:drill_plan_list", "emergency/_drill_plan_table.html"),
        ("emergency:drill_list", "emergency/_drill_table.html"),
    ],
)
def test_htmx_request_gets_only_the_table(world, client, e, name, partial):
    client.force_login(world.users["office"])
    response = client.get(reverse(name), HTTP_HX_REQUEST="true")
    assert next(t.name for t in response.templates) == partial
    assert "<html" not in response.content.decode()


def test_plan_list_filters_by_filing_status(world, client, e):
    client.force_login(world.users["office"])
    page = client.get(reverse("emergency:plan_list"), {"filing": "overdue"}).content.decode()
    assert "共 10 条" in page  # nothing of county A was filed; all deadlines of 2026 have passed


def test_plan_detail_shows_versions_filing_and_steps_for_keepers(world, client, e):
    client.force_login(world.users["township1"])
    page = client.get(reverse("emergency:plan_detail", args=[e.plans["t1"].pk])).content.decode()
    assert 'data-testid="version">v1<' in page
    assert 'data-testid="filing-due">2026-03-26<' in page
    assert "逾期未备案" in page
    assert reverse("emergency:plan_revise", args=[e.plans["t1"].pk]) in page
    client.force_login(world.users["grid11"])
    page = client.get(reverse("emergency:plan_detail", args=[e.plans["g11_unit"].pk])).content.decode()
    assert reverse("emergency:plan_revise", args=[e.plans["g11_unit"].pk]) not in page


@pytest.mark.parametrize("step", ["edit", "review", "file", "evaluate", "revise"])
def test_plan_steps_are_404_outside_scope_and_403_without_the_capability(world, client, e, step):
    url = reverse(f"emergency:plan_{step}", args=[e.plans["t2"].pk])
    client.force_login(world.users["township1"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(world.users["grid11"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["township2"])
    assert client.get(url).status_code == 200


def test_plan_create_with_both_owners_is_a_chinese_400_and_writes_nothing(world, client, e):
    client.force_login(world.users["township1"])
    before = (EmergencyPlan.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("emergency:plan_create"),
        {
            "kind": "special",
            "title": "双主体预案",
            "organisation": world.org_t1.pk,
            "site": world.site11_mine.pk,
            "issued_on": "2026-05-06",
        },
    )
    assert response.status_code == 400
    assert "二者只能选其一" in response.content.decode()
    assert (EmergencyPlan.objects.count(), AuditEntry.objects.count()) == before


def test_revise_page_issues_version_two(world, client, e):
    client.force_login(world.users["township1"])
    plan = e.plans["t1"]
    response = client.post(
        reverse("emergency:plan_revise", args=[plan.pk]),
        {"issued_on": "2026-10-09", "triggers": ["risks"], "reason": "新增风险点"},
    )
    assert response.status_code == 302
    page = client.get(reverse("emergency:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="version">v2<' in page
    assert "面临的安全风险发生重大变化" in page


def test_drill_detail_offers_problem_actions_to_keepers_only(world, client, e):
    drill = e.drills["site11_mine"]
    problem = e.problems["site11_mine:0"]
    hazard_url = reverse("emergency:problem_hazard", args=[drill.pk, problem.pk])
    client.force_login(world.users["enterprise11"])
    assert hazard_url in client.get(reverse("emergency:drill_detail", args=[drill.pk])).content.decode()
    client.force_login(world.users["grid11"])
    page = client.get(reverse("emergency:drill_detail", args=[drill.pk])).content.decode()
    assert "井下避灾路线标识缺失" in page and hazard_url not in page


def test_problem_to_hazard_page_reports_at_the_drills_site(world, client, e):
    drill = e.drills["site21_hotel"]
    problem = e.problems["site21_hotel:0"]
    url = reverse("emergency:problem_hazard", args=[drill.pk, problem.pk])
    client.force_login(world.users["township1"])
    assert client.get(url).status_code == 404  # another township's drill
    client.force_login(world.users["township2"])
    response = client.post(url, {"category": "thing", "grade": "general"})
    assert response.status_code == 302 and response["Location"] == drill.get_absolute_url()
    hazard = Hazard.objects.get(source="drill")
    assert (hazard.site_id, hazard.region_path, hazard.sector_id) == (
        world.site21_hotel.pk,
        world.g21.path,
        world.fire.pk,
    )
    page = client.get(drill.get_absolute_url()).content.decode()
    assert f"已转隐患 {hazard.number}" in page


def test_problem_of_another_drill_is_404(world, client, e):
    url = reverse(
        "emergency:problem_revision", args=[e.drills["site21_hotel"].pk, e.problems["site11_mine:0"].pk]
    )
    client.force_login(world.users["office"])
    assert client.get(url).status_code == 404


def test_drill_create_page_records_problems_line_by_line(world, client, e):
    client.force_login(world.users["enterprise11"])
    response = client.post(
        reverse("emergency:drill_create"),
        {
            "title": "横水钨矿下半年演练",
            "held_on": "2026-10-20",
            "kind": "single",
            "mode": "tabletop",
            "site": world.site11_mine.pk,
            "place_kind": "enterprise",
            "participants": "30",
            "plan": e.plans["site11_mine"].pk,
            "problems": "排水泵启动迟缓\n\n值班记录不全",
        },
    )
    assert response.status_code == 302
    drill = DrillRecord.objects.get(title="横水钨矿下半年演练")
    assert (drill.place, drill.site_id, drill.region_path) == (
        "横水钨矿",
        world.site11_mine.pk,
        world.g11.path,
    )
    assert list(drill.problems.values_list("description", flat=True)) == ["排水泵启动迟缓", "值班记录不全"]


def test_compliance_page_lists_misses_first(world, client, e):
    client.force_login(world.users["township2"])
    page = client.get(reverse("emergency:compliance"), {"year": 2026, "missed": "1"}).content.decode()
    assert page.count('class="table-danger"') == page.count("<tr class=")
    assert "扬眉钨矿" in page  # a high-risk site that never drilled


def test_navigation_lists_the_four_pages(world, client):
    client.force_login(world.users["grid11"])
    page = client.get(reverse("emergency:plan_list")).content.decode()
    for name in LISTS:
        assert f'href="{reverse(name)}"' in page


def test_compliance_page_filters_by_rule(world, client, e):
    client.force_login(world.users["office"])
    query = {"year": 2026, "rule": "on_site_half"}
    page = client.get(reverse("emergency:compliance"), query).content.decode()
    assert "横水钨矿透水事故现场处置方案" in page
    assert "横水镇人民政府</td>" not in page
