"""The hazard list counts at most COUNT_CAP rows (issue 9: no exact COUNT over millions per page
view) and fetches a page by its ids."""

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse

from safegrid.core import pagination
from safegrid.hazards.models import Hazard


def _visible_to_office(world) -> int:
    return Hazard.objects.visible_to(world.users["office"]).count()


def test_a_list_within_the_cap_shows_the_exact_total(world, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("hazards:hazard_list"))
    assert response.context["total"] == _visible_to_office(world)
    assert response.context["total_capped"] is False
    assert f"共 {_visible_to_office(world)} 条" in response.content.decode()


def test_a_list_beyond_the_cap_shows_a_lower_bound(world, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    assert _visible_to_office(world) > 2
    client.force_login(world.users["office"])
    response = client.get(reverse("hazards:hazard_list"))
    assert (response.context["total"], response.context["total_capped"]) == (2, True)
    assert "超过 2 条" in response.content.decode()


def test_every_page_stays_reachable_beyond_the_cap(world):
    rows = Hazard.objects.visible_to(world.users["office"]).order_by("-reported_at", "-id")
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) == 3
    paginator = pagination.CappedPaginator(rows, 1, cap=1)
    assert paginator.capped
    pages = [paginator.page(n) for n in (1, 2, 3)]
    assert [[h.pk for h in p.object_list] for p in pages] == [[pk] for pk in expected]
    assert [p.has_next() for p in pages] == [True, True, False]
    assert pages[1].next_page_number() == 3
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_the_api_counts_up_to_the_cap_and_pages_beyond_it(world, api, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 1)
    client = api(world.users["office"])
    first = client.get("/api/v1/hazards/", {"page_size": 1}).json()
    last = client.get("/api/v1/hazards/", {"page_size": 1, "page": 3}).json()
    assert (first["count"], len(first["results"]), first["next"] is not None) == (2, 1, True)
    assert (len(last["results"]), last["next"]) == (1, None)
    assert client.get("/api/v1/hazards/", {"page_size": 1, "page": 4}).status_code == 404


def test_a_page_holds_the_rows_of_the_offset_in_the_lists_order(world):
    rows = Hazard.objects.visible_to(world.users["office"]).order_by("-reported_at", "-id")
    paginator = pagination.CappedPaginator(rows, 2, cap=10_000)
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) > 2
    assert [h.pk for h in paginator.page(2).object_list] == expected[2:4]
    assert paginator.count == len(expected)
