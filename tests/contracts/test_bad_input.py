"""Bad input anywhere gives a clear Chinese answer and changes nothing; never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.sites.models import Site

CREATE_ENDPOINTS = [
    ("sysadmin", "api:region-list"),
    ("sysadmin", "api:sector-list"),
    ("office", "api:organisation-list"),
    ("township1", "api:gridduty-list"),
    ("township1", "api:site-list"),
    ("secadmin", "api:user-list"),
    ("office", "api:person-list"),
    ("office", "api:posting-list"),
    ("office", "api:team-list"),
    ("office", "api:training-list"),
    ("office", "api:certificate-list"),
    ("office", "api:commendation-list"),
    ("office", "api:publicity-activity-list"),
    ("office", "api:publicity-plan-list"),
    ("office", "api:fund-allocation-list"),
    ("office", "api:expert-list"),
    ("office", "api:expert-engagement-list"),
    ("office", "api:evaluation-list"),
    ("office", "api:leadership-responsibility-list"),
    ("office", "api:meeting-list"),
    ("office", "api:emergency-plan-list"),
    ("office", "api:drill-plan-list"),
    ("office", "api:drill-list"),
]


@pytest.mark.parametrize(("user_key", "route"), CREATE_ENDPOINTS)
def test_malformed_json_is_a_chinese_400(world, client, user_key, route):
    client.force_login(world.users[user_key])
    before = AuditEntry.objects.count()
    response = client.post(reverse(route), '{"name": "未闭合', content_type="application/json")
    assert (response.status_code, response.json()) == (
        400,
        {"code": "parse_error", "detail": "请求体不是有效的 JSON。"},
    )
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("user_key", "route"), CREATE_ENDPOINTS)
def test_non_json_content_type_is_415(world, client, user_key, route):
    client.force_login(world.users[user_key])
    response = client.post(reverse(route), "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"] == "不支持的请求内容类型，请使用 application/json。"


@pytest.mark.parametrize(("user_key", "route"), CREATE_ENDPOINTS)
def test_json_that_is_not_an_object_is_refused(world, client, user_key, route):
    client.force_login(world.users[user_key])
    for body in ("[]", "123", '"text"', "null"):
        response = client.post(reverse(route), body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"


def test_site_api_wrong_types_unknown_ids_and_oversized_strings(world, client):
    client.force_login(world.users["township1"])
    base = {
        "name": "新矿",
        "category": "enterprise",
        "kind": "mine",
        "credit_code": "91350100M000100Y43",
        "sector": world.mining.pk,
        "grid": world.g12.pk,
        "address": "某地",
    }
    cases = {
        "employees": ("很多", "请填写合法的整数值。"),
        "grid": (999999, "无效主键 “999999” － 对象不存在。"),
        "sector": ("abc", "类型错误。期望为主键，获得的类型为 str。"),
        "name": ("矿" * 101, "请确保这个字段不能超过 100 个字符。"),
        "latitude": (95, "请确保该值小于或者等于 90。"),
        "kind": ("volcano", "“volcano” 不是合法选项。"),
    }
    for field, (value, message) in cases.items():
        response = client.post(
            reverse("api:site-list"), {**base, field: value}, content_type="application/json"
        )
        assert response.status_code == 400, field
        assert response.json()["errors"][field] == [message], field
    assert Site.objects.filter(name="新矿").count() == 0


def test_out_of_scope_id_gets_the_same_answer_as_an_unknown_id(world, client):
    client.force_login(world.users["township1"])
    base = {"name": "新矿", "category": "venue", "kind": "mall", "sector": world.mining.pk, "address": "某地"}
    foreign = client.post(
        reverse("api:site-list"), {**base, "grid": world.g21.pk}, content_type="application/json"
    )
    assert foreign.json()["errors"]["grid"] == [f"无效主键 “{world.g21.pk}” － 对象不存在。"]


@pytest.mark.parametrize("route", ["sites:site_detail", "orgs:region_detail", "accounts:user_detail"])
def test_huge_or_odd_ids_in_urls_are_404(world, client, route):
    client.force_login(world.users["office"])
    assert client.get(reverse(route, args=[2**63])).status_code == 404
    assert client.get(reverse(route, args=[0])).status_code == 404
    api_route = {
        "sites:site_detail": "api:site-detail",
        "orgs:region_detail": "api:region-detail",
        "accounts:user_detail": "api:user-detail",
    }[route]
    assert client.get(reverse(api_route, args=["abc"])).status_code == 404
    assert client.get(reverse(api_route, args=[2**70])).status_code == 404


def test_bad_filters_and_pages_never_500(world, client):
    client.force_login(world.users["office"])
    page = client.get(reverse("sites:site_list"), {"sector": "abc", "within": "999999", "page": "x"})
    assert page.status_code == 200
    assert "选择一个有效的选项" in page.content.decode()
    api = client.get(reverse("api:site-list"), {"sector": "abc"})
    assert api.status_code == 400
    assert api.json()["code"] == "invalid"
    assert client.get(reverse("api:site-list"), {"page": 999}).status_code == 404
    assert client.get(reverse("api:site-list"), {"page_size": "lots"}).status_code == 200


def test_form_with_garbage_is_redisplayed_with_chinese_errors(world, client):
    client.force_login(world.users["township1"])
    response = client.post(
        reverse("sites:site_create"), {"name": "", "grid": "not-a-number", "employees": "-5"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "该字段是必填项。" in body
    assert "选择一个有效的选项" in body
    assert Site.objects.count() == 6


def test_unsupported_method_is_405_in_chinese(world, client):
    client.force_login(world.users["office"])
    response = client.delete(reverse("api:site-detail", args=[world.site11_mine.pk]))
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": "不支持该请求方法。"}
