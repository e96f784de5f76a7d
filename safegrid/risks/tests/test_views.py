from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.risks.models import RiskPoint
from safegrid.risks.tests.world import seed_risks

LEC_FORM = {
    "method": "lec",
    "l_value": "3",
    "e_value": "6",
    "c_value": "15",
    "s_value": "",
    "control_level": "",
}


def test_create_page_registers_a_point_with_the_computed_level(world, as_user):
    client = as_user(world.users["enterprise11"])
    data = {
        "site": world.site11_mine.pk,
        "name": "主井井口",
        "accident_types": ["fall", "lifting"],
        "hazardous_factors": "井口无防护",
        **LEC_FORM,
    }
    response = client.post(reverse("risks:risk_point_create"), data)
    point = RiskPoint.objects.get()
    assert response.status_code == 302 and response["Location"] == point.get_absolute_url()
    assert (point.score, point.level, point.control_level) == (270, "significant", "company")
    assert "较大风险" in client.get(point.get_absolute_url()).content.decode()


def test_create_page_with_a_factor_of_the_wrong_method_shows_a_chinese_error(world, as_user):
    client = as_user(world.users["office"])
    data = {
        "site": world.site11_mine.pk,
        "name": "主井井口",
        "accident_types": ["fall"],
        "hazardous_factors": "井口无防护",
        **LEC_FORM,
        "method": "ls",
        "l_value": "10",
        "s_value": "3",
    }
    response = client.post(reverse("risks:risk_point_create"), data)
    assert response.status_code == 400
    assert "LS 法 L 的取值只能是 1 至 5 的整数。" in response.content.decode()
    assert (RiskPoint.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_reassess_page_appends_history(world, as_user):
    point = seed_risks(world).points["g11_stope"]
    client = as_user(world.users["township1"])
    url = reverse("risks:risk_point_reassess", args=[point.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**LEC_FORM, "note": "复评", "control_measures": "加强通风"})
    assert response.status_code == 302
    page = client.get(point.get_absolute_url()).content.decode()
    assert page.count("D = ") == 3  # current + two history rows
    assert point.assessments.count() == 2


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("township2", 404),
        ("enterprise11", 200),
        ("grid11", 403),
        ("expert", 403),
        ("office_b", 404),
        ("sector_mining", 200),
        ("leader", 403),
    ],
)
def test_reassess_page_is_scoped(world, as_user, user, status):
    point = seed_risks(world).points["g11_stope"]
    client = as_user(world.users[user])
    url = reverse("risks:risk_point_reassess", args=[point.pk])
    assert client.get(url).status_code == status
    if status != 200:
        assert client.post(url, {**LEC_FORM, "note": "x"}).status_code == status
        assert (point.assessments.count(), AuditEntry.objects.exclude(action="scope.denied").count()) == (
            1,
            0,
        )


def test_site_grading_page_offers_only_manageable_sites(world, as_user):
    client = as_user(world.users["township1"])
    url = reverse("risks:site_grading_create")
    form = client.get(url).context["form"]
    assert set(form.fields["site"].queryset) == {world.site11_mine, world.site11_mall, world.site12_mine}
    data = {"site": world.site21_mine.pk, "method": "other", "level": "low", "graded_on": "2026-01-02"}
    assert client.post(url, data).status_code == 400
    data["site"] = world.site12_mine.pk
    assert client.post(url, data).status_code == 302
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["site_grading.record"]
    assert as_user(world.users["grid11"]).get(url).status_code == 403


def test_list_filters_by_level(world, as_user):
    seed_risks(world)
    client = as_user(world.users["office"])
    page = client.get(reverse("risks:risk_point_list"), {"level": "major"}).content.decode()
    assert "共 1 条" in page and "井下采场" in page


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("office", 200),
        ("township1", 200),
        ("grid11", 200),
        ("enterprise11", 200),
        ("office_b", 404),
        ("sysadmin", 403),
        ("auditor", 403),
    ],
)
def test_site_badge_is_scoped(world, as_user, user, status):
    seed_risks(world)
    client = as_user(world.users[user])
    response = client.get(reverse("risks:site_badge", args=[world.site11_mine.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-level="major"' in body and "重大风险" in body and "按最高风险点" in body
    assert client.get(reverse("risks:site_badge", args=[999999])).status_code in (404, 403)


def test_site_badge_shows_the_enterprise_grading_and_its_method(world, as_user):
    from safegrid.risks import services

    seed_risks(world)
    services.site_grading_record(
        actor=world.users["office"],
        site=world.site11_mine,
        method="other",
        level="significant",
        graded_on=datetime.date(2026, 1, 2),
        basis="专家评估",
    )
    body = as_user(world.users["office"]).get(reverse("risks:site_badge", args=[world.site11_mine.pk]))
    text = body.content.decode()
    assert 'data-level="significant"' in text
    assert "企业风险分级：其他评估方法" in text


def test_site_badge_without_risk_data_and_the_site_page_loads_it(world, as_user):
    client = as_user(world.users["office"])
    url = reverse("risks:site_badge", args=[world.site12_mine.pk])
    assert "暂无风险分级" in client.get(url).content.decode()
    page = client.get(reverse("sites:site_detail", kwargs={"pk": world.site12_mine.pk})).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="load"' in page
