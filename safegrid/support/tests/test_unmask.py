"""Unmasking a pool expert's phone: people.view_plain_pii together with support.manage_expert (the
county office and sector officers, who keep the pool), one entry at a time by POST, within the pool
the actor keeps (404 outside), never cached, one audit record with the masked phone only. The phone
is stored encrypted (safegrid/people/tests/test_personal_data_at_rest.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.support.tests.world import seed_support

FORBIDDEN = {"code": "permission_denied", "detail": "您没有执行该操作的权限。"}
NOT_FOUND = {"code": "not_found", "detail": "未找到。"}


@pytest.fixture
def support(world):
    return seed_support(world)


def last_audit() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def audit_since(pk: int) -> list[AuditEntry]:
    """The records since `pk`, but scope denials (core.audit; tested in the contracts)."""
    return list(AuditEntry.objects.filter(pk__gt=pk).exclude(action="scope.denied").order_by("pk"))


def page_url(expert) -> str:
    return reverse("support:expert_unmask", args=[expert.pk])


def api_url(expert) -> str:
    return reverse("api:expert-unmask", args=[expert.pk])


@pytest.mark.parametrize("user_key", ["office", "sector_mining"])
def test_a_pool_keeper_sees_the_full_phone_once_uncached_and_audited(world, support, client, api, user_key):
    expert = support.experts["other"]
    client.force_login(world.users[user_key])
    detail = client.get(expert.get_absolute_url()).content.decode()
    assert 'data-testid="unmask"' in detail and page_url(expert) in detail
    since = last_audit()
    page = client.post(page_url(expert))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="phone">13812345678 ' in html
    assert "no-store" in page["Cache-Control"]
    response = api(world.users[user_key]).post(api_url(expert))
    assert (response.status_code, response.json()) == (200, {"phone": "13812345678"})
    assert "no-store" in response["Cache-Control"]
    entries = audit_since(since)
    assert [(e.action, e.actor_id, e.object_type, e.object_id, e.changes) for e in entries] == [
        (
            "expert.unmask",
            world.users[user_key].pk,
            "support.expert",
            str(expert.pk),
            {"phone": "138****5678"},
        )
    ] * 2


@pytest.mark.parametrize(
    "user_key", ["township1", "enterprise11", "leader", "grid11", "expert", "sysadmin", "auditor"]
)
def test_without_both_capabilities_it_is_403_and_nothing_is_recorded(world, support, client, api, user_key):
    # a township officer may unmask people but does not keep the expert pool
    expert = support.experts["other"]
    client.force_login(world.users[user_key])
    since = last_audit()
    page = client.post(page_url(expert))
    response = api(world.users[user_key]).post(api_url(expert))
    assert (page.status_code, response.status_code) == (403, 403)
    assert response.json() == FORBIDDEN
    assert "13812345678" not in page.content.decode()
    assert audit_since(since) == []
    if user_key in {"township1", "leader"}:
        detail = client.get(expert.get_absolute_url()).content.decode()
        assert 'data-testid="unmask"' not in detail and "138****5678" in detail


def test_another_countys_pool_is_404_and_nothing_is_recorded(world, support, client, api):
    expert = support.experts["b"]
    client.force_login(world.users["office"])
    since = last_audit()
    page = client.post(page_url(expert))
    response = api(world.users["office"]).post(api_url(expert))
    assert (page.status_code, response.status_code) == (404, 404)
    assert response.json() == NOT_FOUND
    assert audit_since(since) == []


def test_a_get_shows_nothing(world, support, client):
    client.force_login(world.users["office"])
    since = last_audit()
    assert client.get(page_url(support.experts["other"])).status_code == 405
    assert audit_since(since) == []
