"""Scope contract: for every registered resource and every role of the world, pages, API, counts,
search and edit forms show exactly what the oracle allows; everything else is 404 (or 403 when the
role may not do that kind of thing at all), and a refused write changes nothing."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from config.api_urls import router
from safegrid.core.models import AuditEntry

from .registry import CREATORS, MANAGERS, NON_RESOURCE_ROUTES, RESOURCES, VIEWERS, anchors

ROLES = [
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "grid11",
    "enterprise11",
    "expert",
    "sysadmin",
    "secadmin",
    "auditor",
    "office_b",
    "supervisor",
]


def _visible(resource, user_key, obj, world, *, write=False):
    a = anchors(world)[user_key]
    if resource.key == "user":
        return resource.visible(obj, a, write, me=world.users[user_key])
    return resource.visible(obj, a, write)


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _audit_since(last_id: int) -> list[tuple]:
    """The audit rows written after `last_id`: (action, result, object type, object id, actor)."""
    return list(
        AuditEntry.objects.filter(id__gt=last_id)
        .order_by("id")
        .values_list("action", "result", "object_type", "object_id", "actor_id")
    )


def _denial(obj, user) -> tuple:
    """The one audit row an out-of-scope request for `obj` leaves (SECURITY.md L1: scope denial)."""
    return ("scope.denied", "denied", obj._meta.label_lower, str(obj.pk), user.pk)


def _ids_in_page(html: str, resource) -> set[int]:
    prefix = reverse(resource.detail_page, kwargs={"pk": 0})[:-2]  # ".../0/" → ".../"
    return {int(pk) for pk in re.findall(re.escape(prefix) + r"(\d+)/\"", html)}


def _route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _route_names(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_is_registered(figure):
    """A new page or endpoint must be added to the registry (or to the list of non-resource routes)."""
    registered = set(NON_RESOURCE_ROUTES)
    for r in RESOURCES:
        registered |= {
            r.list_page,
            r.detail_page,
            r.edit_page,
            r.create_page,
            f"api:{r.api}-list",
            f"api:{r.api}-detail",
        }
    names = {n for n in _route_names() if not n.startswith("admin:")}
    figure("Routes", "routes", routes=len(names), undeclared=len(names - registered))
    assert sorted(names - registered) == []
    # A viewset without pages of its own (attachments) may be listed as non-resource routes instead,
    # both its -list and its -detail route, each with the reason and where its scope is tested.
    listed = {
        name.removeprefix("api:").removesuffix("-list")
        for name in NON_RESOURCE_ROUTES
        if name.startswith("api:") and name.endswith("-list") and f"{name[:-5]}-detail" in NON_RESOURCE_ROUTES
    }
    assert (
        sorted({basename for _, _, basename in router.registry} - {r.api for r in RESOURCES} - listed) == []
    )


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.key)
@pytest.mark.parametrize("user_key", ROLES)
def test_reads_are_scoped(world, client, resource, user_key, figure):
    user = world.users[user_key]
    client.force_login(user)
    objects = resource.objects(world)
    expected = {o.pk for o in objects if _visible(resource, user_key, o, world)}
    may_view = user_key in VIEWERS[resource.key]

    page = client.get(reverse(resource.list_page))  # the page as a person opens it: no parameters
    api_list = client.get(reverse(f"api:{resource.api}-list"), {"page_size": 200})
    # SECURITY.md C3: each (role, endpoint, object, retrieve|list) is a cell of the scope matrix; a
    # leak is an out-of-scope row listed or opened.
    matrix = "roles × endpoints × objects × {retrieve, list, update} cells (reads and writes)"
    if not may_view:
        figure("Scope matrix", matrix, cells=2 + 2 * len(objects))
        assert (page.status_code, api_list.status_code) == (403, 403)
        for obj in objects:
            assert client.get(reverse(resource.detail_page, kwargs={"pk": obj.pk})).status_code == 403
            assert client.get(reverse(f"api:{resource.api}-detail", kwargs={"pk": obj.pk})).status_code == 403
        return

    assert page.status_code == 200
    listed_page = _ids_in_page(page.content.decode(), resource)
    assert api_list.status_code == 200
    body = api_list.json()
    listed_api = {row["id"] for row in body["results"]}
    opened = {}
    last_id = _last_audit_id()
    for obj in objects:
        opened[obj.pk] = (
            client.get(reverse(resource.detail_page, kwargs={"pk": obj.pk})).status_code,
            client.get(reverse(f"api:{resource.api}-detail", kwargs={"pk": obj.pk})).status_code,
        )
    # Reading writes nothing, except that each out-of-scope open (page, API) is one denial record.
    denials = [_denial(o, user) for o in objects if o.pk not in expected for _channel in ("page", "api")]
    leaks = len(listed_page - expected) + len(listed_api - expected)
    leaks += sum(code != 404 for pk, codes in opened.items() if pk not in expected for code in codes)
    figure("Scope matrix", matrix, cells=2 + 2 * len(objects), leaks=leaks)

    assert listed_page == expected
    assert f"共 {len(expected)} 条" in page.content.decode()
    assert body["count"] == len(expected)
    assert listed_api == expected
    for obj in objects:
        want = 200 if obj.pk in expected else 404
        assert opened[obj.pk] == (want, want), obj
    assert _audit_since(last_id) == denials


@pytest.mark.parametrize(
    ("resource", "user_key"),
    [(r, u) for r in RESOURCES for u in ROLES if u in VIEWERS[r.key]],
    ids=lambda v: getattr(v, "key", v),
)
def test_search_never_finds_out_of_scope_rows(world, client, resource, user_key):
    client.force_login(world.users[user_key])
    hidden = [o for o in resource.objects(world) if not _visible(resource, user_key, o, world)]
    for obj in hidden:
        term = resource.search(obj)
        page = client.get(reverse(resource.list_page), {"q": term})
        api_list = client.get(reverse(f"api:{resource.api}-list"), {"q": term})
        assert page.status_code == 200 and api_list.status_code == 200
        assert obj.pk not in _ids_in_page(page.content.decode(), resource)
        assert obj.pk not in {row["id"] for row in api_list.json()["results"]}


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.key)
@pytest.mark.parametrize("user_key", ROLES)
def test_writes_are_scoped(world, client, resource, user_key, figure):
    """Edit pages and API PATCH: manageable rows open, all others 404 (403 without the capability);
    a refused PATCH changes nothing and leaves exactly one audit record: the scope denial."""
    user = world.users[user_key]
    client.force_login(user)
    may_manage = user_key in MANAGERS[resource.key]
    create = client.get(reverse(resource.create_page))
    assert create.status_code == (200 if user_key in CREATORS[resource.key] else 403)
    if resource.edit_page is None:
        return
    for obj in resource.objects(world):
        manageable = _visible(resource, user_key, obj, world, write=True)
        edit = client.get(reverse(resource.edit_page, kwargs={"pk": obj.pk}))
        if not may_manage:
            assert edit.status_code == 403, obj
        else:
            assert edit.status_code == (200 if manageable else 404), obj
        leaked = edit.status_code == 200 and not (may_manage and manageable)
        if may_manage and not manageable:
            last_id = _last_audit_id()
            snapshot = list(resource.model.objects.filter(pk=obj.pk).values())
            url = reverse(f"api:{resource.api}-detail", kwargs={"pk": obj.pk})
            response = client.patch(
                url,
                {"name": "改名", "display_name": "改名", "person_name": "改名"},
                content_type="application/json",
            )
            changed = list(resource.model.objects.filter(pk=obj.pk).values()) != snapshot
            # "DB unchanged" except for the audit trail, which gains exactly the denial record.
            written = _audit_since(last_id)
            leaked = leaked or response.status_code != 404 or changed or written != [_denial(obj, user)]
            figure(
                "Scope matrix",
                "roles × endpoints × objects × {retrieve, list, update} cells (reads and writes)",
                cells=2,
                leaks=int(leaked),
            )
            assert response.status_code == 404, obj
            assert not changed
            assert written == [_denial(obj, user)]
        else:
            figure(
                "Scope matrix",
                "roles × endpoints × objects × {retrieve, list, update} cells (reads and writes)",
                cells=1,
                leaks=int(leaked),
            )


@pytest.mark.parametrize("user_key", ROLES)
def test_home_counts_equal_the_oracle(world, client, user_key):
    from .registry import site_visible

    client.force_login(world.users[user_key])
    page = client.get(reverse("reports:home")).content.decode()
    sites = RESOURCES[4]
    assert sites.key == "site"
    expected = sum(1 for s in sites.objects(world) if site_visible(s, anchors(world)[user_key]))
    match = re.search(r'data-testid="figure-场所总数">(\d+)<', page)
    if user_key in VIEWERS["site"]:
        assert match is not None and int(match.group(1)) == expected
    else:
        assert match is None
    hazards = next(r for r in RESOURCES if r.key == "hazard")
    expected_hazards = sum(1 for h in hazards.objects(world) if hazards.visible(h, anchors(world)[user_key]))
    found = re.search(r'data-testid="figure-本年发现">(\d+)<', page)
    if user_key in VIEWERS["hazard"]:
        assert found is not None and int(found.group(1)) == expected_hazards
    else:
        assert found is None


@pytest.mark.parametrize("user_key", ROLES)
def test_audit_log_is_auditor_only(world, client, user_key):
    client.force_login(world.users[user_key])
    assert client.get(reverse("core:audit_list")).status_code == (200 if user_key == "auditor" else 403)


def test_anonymous_is_sent_to_login_everywhere(world, client):
    for r in RESOURCES:
        page = client.get(reverse(r.list_page))
        assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))
        assert client.get(reverse(f"api:{r.api}-list")).status_code == 401


@pytest.mark.parametrize("user_key", ROLES)
def test_risk_map_and_matrix_equal_the_oracle(world, client, user_key):
    """The map's totals, sites and the sector × township matrix count exactly the risk points the
    oracle lets the role see; roles that may not read risks get 403 on all three routes."""
    resource = next(r for r in RESOURCES if r.key == "risk_point")
    client.force_login(world.users[user_key])
    routes = ["reports:risk_map", "reports:risk_map_data", "reports:risk_matrix_export"]
    points = [p for p in resource.objects(world) if _visible(resource, user_key, p, world)]
    if user_key not in VIEWERS["risk_point"]:
        assert [client.get(reverse(r)).status_code for r in routes] == [403, 403, 403]
        return

    data = client.get(reverse("reports:risk_map_data")).json()
    by_level = Counter(p.level for p in points)
    assert data["totals"] == {level: by_level[level] for level in data["totals"]}
    assert sum(f["properties"]["total"] for f in data["features"]) == len(points)
    assert {s["id"] for s in data["sites"]} == {p.site_id for p in points}

    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:risk_matrix_export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    expected = Counter((p.site.sector.name, p.site.grid.parent.name) for p in points)
    assert {(row[0], row[1]): row[-1] for row in rows} == dict(expected)
