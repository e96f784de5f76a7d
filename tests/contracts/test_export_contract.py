"""Export contract: for every registered resource and every role, the list's Excel export
(`list_page?format=xlsx`) is refused exactly when the page is, and otherwise holds exactly the rows
the oracle lets the role see (all of them, not one page); with a filter, exactly the filtered page's
rows. Exports read the list's select_related/prefetch: their query count does not grow with rows."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from safegrid.hazards.models import Hazard

from .registry import RESOURCES, VIEWERS
from .test_query_budget import _grow_people
from .test_scope_contract import ROLES, _ids_in_page, _visible


def _exported_ids(response) -> list[int]:
    book = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "编号"
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.key)
@pytest.mark.parametrize("user_key", ROLES)
def test_export_is_scoped_like_the_page(world, client, resource, user_key):
    client.force_login(world.users[user_key])
    objects = resource.objects(world)
    expected = {o.pk for o in objects if _visible(resource, user_key, o, world)}
    url = reverse(resource.list_page)

    page = client.get(url)
    export = client.get(url, {"format": "xlsx"})
    if user_key not in VIEWERS[resource.key]:
        assert (page.status_code, export.status_code) == (403, 403)
        return

    assert (page.status_code, export.status_code) == (200, 200)
    ids = _exported_ids(export)
    assert len(ids) == len(set(ids))  # one row per object
    assert set(ids) == expected
    if len(expected) <= 25:  # the page shows them all: the same rows
        assert set(ids) == _ids_in_page(page.content.decode(), resource)


@pytest.mark.parametrize("user_key", [u for u in ROLES if u in VIEWERS["site"]])
def test_filtered_export_equals_the_filtered_page(world, client, user_key):
    resource = next(r for r in RESOURCES if r.key == "site")
    client.force_login(world.users[user_key])
    filters = {"sector": world.mining.pk}
    expected = {
        o.pk
        for o in resource.objects(world)
        if o.sector == world.mining and _visible(resource, user_key, o, world)
    }
    page = client.get(reverse(resource.list_page), filters)
    export = client.get(reverse(resource.list_page), {**filters, "format": "xlsx"})
    assert page.status_code == 200
    assert set(_exported_ids(export)) == _ids_in_page(page.content.decode(), resource) == expected


def _grow_hazards(world, n: int) -> None:
    sites = [world.site11_mine, world.site12_mine, world.site21_hotel]
    for i in range(n):
        site = sites[i % len(sites)]
        Hazard.objects.create(
            number=f"YH-X{i:03d}",
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            source="patrol",
            category="thing",
            grade="general",
            description=f"加测隐患{i}",
            reported_by=world.users["office"],
            responsible_person="某某",
            deadline=datetime.date(2026, 1, 1),
        )


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("key", "grow"),
    [("hazard", _grow_hazards), ("person", _grow_people)],
)
def test_export_query_count_does_not_grow_with_rows(world, client, key, grow):
    resource = next(r for r in RESOURCES if r.key == key)
    client.force_login(world.users["office"])
    resource.objects(world)
    url = reverse(resource.list_page)
    _export_queries(client, url)  # warm caches (content types, sessions)
    before = _export_queries(client, url)
    rows_before = len(_exported_ids(client.get(url, {"format": "xlsx"})))
    grow(world, 8)
    after = _export_queries(client, url)
    assert len(_exported_ids(client.get(url, {"format": "xlsx"}))) == rows_before + 8
    assert after == before
