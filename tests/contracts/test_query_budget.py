"""List pages and API lists run a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import credit_code, make_user
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import GridDutyRole, OrganisationKind
from safegrid.orgs.models import GridDuty, Organisation
from safegrid.people import services as people
from safegrid.people.tests.world import id_number
from safegrid.sites.models import Site

from .registry import RESOURCES

# Queries a list may use at most (session, user, grants, count, page, prefetches, filter choices).
BUDGET = 16


def _grow(world, n: int) -> None:
    """Add `n` more rows of every resource inside county A."""
    for i in range(n):
        Site.objects.create(
            name=f"加测场所{i}",
            category="enterprise",
            kind="factory",
            credit_code=credit_code(700 + i),
            sector=world.fire,
            grid=world.g12,
            region_path=world.g12.path,
            address="x",
        )
        org = Organisation.objects.create(
            name=f"加测单位{i}",
            kind=OrganisationKind.DEPARTMENT,
            region=world.county,
            region_path=world.county.path,
            sector=world.fire,
        )
        user = make_user(f"extra{i}", Role.SECTOR_OFFICER, world.county, sectors=[world.fire, world.mining])
        user.organisation = org
        user.save(update_fields=["organisation"])
    for role in (GridDutyRole.GRID_CHIEF, GridDutyRole.GRID_INSTRUCTOR):
        GridDuty.objects.create(grid=world.g12, region_path=world.g12.path, role=role, duties=["x"])
    _grow_people(world, n)


def _grow_people(world, n: int) -> None:
    """More people rows of every kind, each with its related rows (certificates, members, attendees)."""
    office = world.users["office"]
    today = timezone.localdate()
    for i in range(n):
        person = people.person_create(
            actor=office,
            name=f"加测人员{i}",
            source="enterprise",
            employment="full_time",
            site=world.site12_mine,
            id_number=id_number(600 + i),
        )
        people.certificate_create(
            actor=office,
            person=person,
            kind="special_operation",
            category="metal_mine",
            number=f"JC{i:04d}",
            issue_date=today - datetime.timedelta(days=30 * i + 1),
        )
        people.posting_create(
            actor=office,
            person=person,
            post="special_operator",
            operation_category="metal_mine",
            site=world.site12_mine,
        )
        people.team_create(
            actor=office, name=f"加测队伍{i}", kind="enterprise", site=world.site12_mine, leader=person
        )
        people.training_record(
            actor=office,
            kind="enterprise",
            title=f"加测培训{i}",
            organiser=world.org_t1,
            site=world.site12_mine,
            held_on=today,
            hours=Decimal("2"),
            attendees=[person],
            outside_trainees=i,
        )
        people.commendation_create(
            actor=office,
            kind="notice",
            title=f"加测表彰{i}",
            awarded_on=today,
            issuer=world.org_office,
            person=person,
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.key)
@pytest.mark.parametrize("kind", ["page", "api"])
def test_list_query_count_does_not_grow_with_rows(world, client, resource, kind):
    user = world.users["secadmin" if resource.key == "user" else "office"]
    client.force_login(user)
    url = reverse(resource.list_page) if kind == "page" else reverse(f"api:{resource.api}-list")
    resource.objects(world)  # the resource's own rows, so that every list starts non-empty
    _count(client, url)  # warm caches (content types, sessions)
    before = _count(client, url)
    _grow(world, 6)
    after = _count(client, url)
    assert after == before
    assert after <= BUDGET
