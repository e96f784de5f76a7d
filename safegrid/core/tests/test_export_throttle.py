"""F5 anti-automation at export (ASVS 11.1.4): at most SAFEGRID_EXPORT_RATE exports per user over
every export route together — the lists' `?format=xlsx` (inline, and the POST starting a job), the
risk matrix workbook, the bulletin — answered 429 with a Chinese message and Retry-After, before
anything is written or audited (ExportRateLimitMiddleware in safegrid/core/exports.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from safegrid.core import exports
from safegrid.core.models import AuditEntry
from safegrid.jobs.models import Job

SITE_LIST = "sites:site_list"
HAZARD_LIST = "hazards:hazard_list"


@pytest.fixture
def export_rate(settings):
    settings.SAFEGRID_EXPORT_RATE = "2/min"


@pytest.fixture
def frozen():
    """Time stands still at 15 s into a minute, so the burst stays inside one counting window."""
    start = timezone.now().replace(second=15, microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def _export(client, name=SITE_LIST):
    return client.get(reverse(name), {"format": "xlsx"})


def _exports_audited() -> int:
    return AuditEntry.objects.filter(action="list.export").count()


def test_a_burst_of_exports_gets_429_with_a_chinese_message(world, client, export_rate, frozen):
    client.force_login(world.users["office"])

    answers = [_export(client) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused["Retry-After"] == "45"
    page = refused.content.decode()
    assert "导出过于频繁" in page
    assert "导出过于频繁：每位用户每分钟 2 次，请 45 秒后再试。" in page
    assert _exports_audited() == 2  # the refused export wrote and audited nothing


def test_the_count_spans_every_export_route(world, client, export_rate, frozen):
    client.force_login(world.users["office"])
    assert _export(client, SITE_LIST).status_code == 200
    assert client.get(reverse("reports:risk_matrix_export")).status_code == 200

    assert _export(client, HAZARD_LIST).status_code == 429
    assert client.get(reverse("reports:risk_matrix_export")).status_code == 429
    assert client.get(reverse("reports:bulletin")).status_code == 429


def test_starting_an_export_job_is_counted_and_refused_above_the_rate(world, client, export_rate, frozen):
    client.force_login(world.users["office"])
    _export(client)
    _export(client)

    refused = client.post(f"{reverse(HAZARD_LIST)}?format=xlsx")

    assert refused.status_code == 429
    assert Job.objects.count() == 0


def test_each_user_has_their_own_count(world, client, export_rate, frozen):
    client.force_login(world.users["office"])
    _export(client)
    _export(client)
    assert _export(client).status_code == 429

    client.force_login(world.users["township1"])
    assert _export(client).status_code == 200


def test_viewing_lists_is_not_counted(world, client, export_rate, frozen):
    client.force_login(world.users["office"])
    for _ in range(5):
        assert client.get(reverse(SITE_LIST)).status_code == 200
    assert _export(client).status_code == 200


def test_the_next_window_accepts_exports_again(world, client, export_rate, frozen):
    client.force_login(world.users["office"])
    for _ in range(3):
        _export(client)
    frozen.shift(datetime.timedelta(seconds=45))

    assert _export(client).status_code == 200


def test_an_empty_rate_turns_the_limit_off(world, client, settings, frozen):
    settings.SAFEGRID_EXPORT_RATE = ""
    client.force_login(world.users["office"])
    assert [_export(client).status_code for _ in range(12)] == [200] * 12


def _routes(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", str(entry.pattern)


def test_every_file_route_is_an_export_route_of_the_limit():
    """A route serving a generated file by its extension must be known to the middleware (a job's
    or an attachment's download serves a stored file and is not an export)."""
    file_routes = sorted(name for name, route in _routes() if route.endswith((".xlsx", ".docx", ".csv")))

    assert file_routes == ["reports:bulletin", "reports:risk_matrix_export"]
    assert all(name in exports.EXPORT_VIEW_NAMES or name.endswith("_export") for name in file_routes)
