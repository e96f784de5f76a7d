"""C9: a logged-in browser POST without the CSRF token is refused (403) and writes nothing, on a form
page and on the API under a session; methods an endpoint does not offer are 405, never a write."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def report(world) -> dict:
    return {"site": world.site11_mall.pk, "description": "CSRF 测试隐患", "category": "management"}


@pytest.fixture
def browser(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["grid11"])
    return client


def test_a_form_post_without_the_csrf_token_is_403_and_writes_nothing(world, browser):
    before = (Hazard.objects.count(), AuditEntry.objects.count())
    response = browser.post(reverse("hazards:hazard_report"), report(world))
    assert response.status_code == 403
    assert (Hazard.objects.count(), AuditEntry.objects.count()) == before


def test_the_same_form_page_hands_out_a_token_that_is_accepted(world, browser):
    page = browser.get(reverse("hazards:hazard_report"))
    assert page.status_code == 200
    token = browser.cookies["csrftoken"].value
    response = browser.post(reverse("hazards:hazard_report"), {**report(world), "csrfmiddlewaretoken": token})
    assert response.status_code != 403


def test_a_session_api_post_without_the_csrf_token_is_403_and_writes_nothing(world, browser):
    before = Hazard.objects.count()
    response = browser.post(
        reverse("api:hazard-list"), report(world), content_type="application/json", HTTP_IDEMPOTENCY_KEY="c9"
    )
    assert response.status_code == 403
    assert Hazard.objects.count() == before


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize(
    "route",
    ["api:hazard-detail", "api:inspection-detail", "api:publicity-activity-detail", "api:attachment-detail"],
)
def test_put_and_delete_are_405_on_the_api(world, api, route, method):
    from safegrid.publicity.tests.world import seed_publicity

    pk = {
        "api:hazard-detail": lambda: world.hazards["g11"].pk,
        "api:inspection-detail": lambda: world.inspections["g11"].pk,
        "api:publicity-activity-detail": lambda: seed_publicity(world).activities["t1_broadcast"].pk,
        "api:attachment-detail": lambda: "00000000-0000-0000-0000-000000000007",
    }[route]()
    client = api(world.users["office"], token=True)
    before = (Hazard.objects.filter(pk=world.hazards["g11"].pk).values().get(), AuditEntry.objects.count())
    response = getattr(client, method)(reverse(route, args=[pk]), {"description": "改"}, format="json")
    assert (response.status_code, response.json()) == (
        405,
        {"code": "method_not_allowed", "detail": "不支持该请求方法。"},
    )
    assert (
        Hazard.objects.filter(pk=world.hazards["g11"].pk).values().get(),
        AuditEntry.objects.count(),
    ) == before
