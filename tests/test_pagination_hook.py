"""ScopedListView's `paginator_class` hook (issue 9 follow-up) and the capped count of the API,
documented in the OpenAPI schema."""

from __future__ import annotations

import re

from django.urls import reverse

from safegrid.core import pagination
from safegrid.hazards.models import Hazard
from safegrid.hazards.views import HazardListView
from safegrid.sites.models import Site


def test_a_list_with_the_default_paginator_counts_exactly_whatever_the_cap(world, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(world.users["office"])
    response = client.get(reverse("sites:site_list"))
    visible = Site.objects.visible_to(world.users["office"]).count()
    assert visible > 2
    assert (response.context["total"], response.context["total_capped"]) == (visible, False)
    assert f"共 {visible} 条" in response.content.decode()


def test_the_capped_hazard_list_pages_without_a_page_count_and_keeps_its_queues(world, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(world.users["office"])
    response = client.get(reverse("hazards:hazard_list"), {"queue": "overdue"})
    body = response.content.decode()
    assert isinstance(response.context["page_obj"].paginator, pagination.CappedPaginator)
    assert response.context["current_queue"] == "overdue"
    assert re.search(r'nav-link active" href="\?queue=overdue"', body)
    monkeypatch.setattr(HazardListView, "paginate_by", 1)
    paged = client.get(reverse("hazards:hazard_list")).content.decode()
    assert ("第 1 页" in paged, "第 1 / " in paged, "超过 2 条" in paged) == (True, False, True)


def _paginated_hazards_schema(api, user) -> dict:
    schema = api(user).get(reverse("api-schema"), {"format": "json"}).json()
    content = schema["paths"]["/api/v1/hazards/"]["get"]["responses"]["200"]["content"]
    name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    return schema["components"]["schemas"][name]


def test_the_schema_documents_the_capped_count(world, api):
    documented = _paginated_hazards_schema(api, world.users["office"])
    count = documented["properties"]["count"]
    assert (count["type"], count["maximum"]) == ("integer", 10_001)
    assert count["description"] == (
        "符合条件的记录数：不超过 10000 条时为精确值；为 10001 时表示超过 10000 条"
        "（只数到 10001 条为止，此时 count_capped 为 true）。"
    )
    capped = documented["properties"]["count_capped"]
    assert capped["type"] == "boolean"
    assert "为 true 时 count 为 10001" in capped["description"]
    assert documented["required"] == ["count", "count_capped", "results"]


def test_the_response_carries_exactly_the_documented_fields(world, api, monkeypatch):
    documented = _paginated_hazards_schema(api, world.users["office"])
    client = api(world.users["office"])
    within = client.get("/api/v1/hazards/").json()
    visible = Hazard.objects.visible_to(world.users["office"]).count()
    assert list(within) == list(documented["properties"])
    assert (within["count"], within["count_capped"]) == (visible, False)
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    beyond = client.get("/api/v1/hazards/", {"page_size": 1}).json()
    assert (beyond["count"], beyond["count_capped"]) == (2, True)


def test_uncapped_api_lists_keep_their_shape(world, api):
    body = api(world.users["office"]).get("/api/v1/sites/").json()
    assert list(body) == ["count", "next", "previous", "results"]
