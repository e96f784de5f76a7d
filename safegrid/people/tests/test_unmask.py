"""Unmasking one person's ID number and phone (SECURITY.md "Personal data", L1 "PII unmask"): only
with people.view_plain_pii (the roles that keep the register, never the three administrators), one
person at a time by POST, within the actor's scope (404 outside), never cached, and each unmask
leaves exactly one audit record holding the masked values only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safegrid.accounts.roles import ADMIN_ROLES, ROLE_CAPABILITIES, Cap, Role
from safegrid.core.models import AuditEntry
from safegrid.people.tests.world import id_number, phone, seed_people

FORBIDDEN = {"code": "permission_denied", "detail": "您没有执行该操作的权限。"}
NOT_FOUND = {"code": "not_found", "detail": "未找到。"}
SHOWN = re.compile(r'data-testid="(id-number|phone)">([^<]*)</dd>')


@pytest.fixture
def people(world):
    return seed_people(world)


def page_url(person) -> str:
    return reverse("people:person_unmask", args=[person.pk])


def api_url(person) -> str:
    return reverse("api:person-unmask", args=[person.pk])


def audit_since(pk: int) -> list[AuditEntry]:
    """The records since `pk`, but scope denials (core.audit; tested in the contracts)."""
    return list(AuditEntry.objects.filter(pk__gt=pk).exclude(action="scope.denied").order_by("pk"))


def last_audit() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_capability_goes_to_the_roles_that_keep_the_register_and_to_no_administrator():
    holders = {role for role, caps in ROLE_CAPABILITIES.items() if Cap.VIEW_PLAIN_PII in caps}
    keepers = {role for role, caps in ROLE_CAPABILITIES.items() if Cap.MANAGE_PEOPLE in caps}
    assert (
        holders
        == keepers
        == {
            Role.COUNTY_OFFICE,
            Role.SECTOR_OFFICER,
            Role.TOWNSHIP_OFFICER,
            Role.ENTERPRISE_MANAGER,
        }
    )
    assert holders & ADMIN_ROLES == set()


def test_the_page_shows_one_persons_full_numbers_uncached_and_audits_it(world, people, client):
    # given a township officer on the page of a grid worker of the township
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="unmask"' in page and page_url(person) in page and "显示完整号码" in page
    since = last_audit()
    # when the officer presses 显示完整号码
    response = client.post(page_url(person))
    # then the page shows the full ID number and phone of that person, and is not cached
    html = response.content.decode()
    assert response.status_code == 200
    assert dict(SHOWN.findall(html)) == {"id-number": id_number(3), "phone": phone(3)}
    assert "完整号码仅在本页显示一次，查看已记入审计日志。" in html
    assert 'data-testid="unmask"' not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # and exactly one audit record says who saw whose numbers, with the masked values only
    [entry] = audit_since(since)
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == (
        "person.unmask",
        world.users["township1"].pk,
        "people.person",
        str(person.pk),
    )
    assert entry.changes == {"id_number": person.id_number_masked, "phone": "139****0003"}
    assert id_number(3) not in str(entry.changes) and phone(3) not in str(entry.changes)
    # and the page opened again is masked
    again = client.get(person.get_absolute_url()).content.decode()
    assert id_number(3) not in again and phone(3) not in again


def test_the_api_gives_one_persons_full_numbers_uncached_and_audits_it(world, people, api):
    person = people.persons["mine11_operator"]
    since = last_audit()
    response = api(world.users["enterprise11"]).post(api_url(person))
    assert response.status_code == 200
    assert response.json() == {"id_number": id_number(6), "phone": phone(6)}
    assert "no-store" in response["Cache-Control"]
    assert [(e.action, e.actor_id, e.object_id) for e in audit_since(since)] == [
        ("person.unmask", world.users["enterprise11"].pk, str(person.pk))
    ]


@pytest.mark.parametrize("user_key", ["leader", "grid11", "expert", "sysadmin", "secadmin", "auditor"])
def test_without_the_capability_it_is_403_and_nothing_is_recorded(world, people, client, api, user_key):
    # grid workers and the leader read the register (masked); the administrators and experts do not
    person = people.persons["g11_worker"]
    client.force_login(world.users[user_key])
    since = last_audit()
    page = client.post(page_url(person))
    response = api(world.users[user_key]).post(api_url(person))
    assert (page.status_code, response.status_code) == (403, 403)
    assert response.json() == FORBIDDEN
    assert id_number(3) not in page.content.decode()
    assert audit_since(since) == []


def test_the_page_offers_the_button_only_to_holders_in_scope(world, people, client):
    person = people.persons["g11_worker"]
    for user_key, offered in [("township1", True), ("office", True), ("grid11", False), ("leader", False)]:
        client.force_login(world.users[user_key])
        html = client.get(person.get_absolute_url()).content.decode()
        assert ('data-testid="unmask"' in html) is offered, user_key


@pytest.mark.parametrize(
    ("user_key", "person_key"),
    [
        ("township2", "g11_worker"),  # another township
        ("enterprise11", "mine21_operator"),  # another enterprise's staff
        ("enterprise11", "g11_worker"),  # not the enterprise's own staff
        ("sector_mining", "g11_worker"),  # a row without the officer's sector
        ("office_b", "g11_worker"),  # another county
    ],
)
def test_out_of_scope_it_is_404_and_nothing_is_recorded(world, people, client, api, user_key, person_key):
    person = people.persons[person_key]
    client.force_login(world.users[user_key])
    since = last_audit()
    page = client.post(page_url(person))
    response = api(world.users[user_key]).post(api_url(person))
    assert (page.status_code, response.status_code) == (404, 404)
    assert response.json() == NOT_FOUND
    assert audit_since(since) == []


def test_a_missing_person_is_404_like_one_out_of_scope(world, people, client, api):
    client.force_login(world.users["office"])
    assert client.post(reverse("people:person_unmask", args=[999_999])).status_code == 404
    assert api(world.users["office"]).post(reverse("api:person-unmask", args=[999_999])).status_code == 404


def test_unmask_is_a_post_one_person_at_a_time(world, people, client, api):
    # a GET (a link, a prefetch, a crawler) shows nothing and records nothing
    person = people.persons["g11_worker"]
    client.force_login(world.users["office"])
    since = last_audit()
    assert client.get(page_url(person)).status_code == 405
    assert api(world.users["office"]).get(api_url(person)).status_code == 405
    assert audit_since(since) == []
    # two persons unmasked: two records, one per person
    client.post(page_url(person))
    client.post(page_url(people.persons["g12_worker"]))
    assert [e.object_id for e in audit_since(since)] == [
        str(person.pk),
        str(people.persons["g12_worker"].pk),
    ]


def test_a_page_post_without_the_csrf_token_is_refused(world, people):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["office"])
    since = last_audit()
    assert browser.post(page_url(people.persons["g11_worker"])).status_code == 403
    assert audit_since(since) == []
