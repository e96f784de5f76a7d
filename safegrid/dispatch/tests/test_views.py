from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safegrid.core.models import AuditEntry
from safegrid.dispatch.models import ActionItem, AgendaItem, Meeting
from safegrid.dispatch.tests.world import seed_dispatch
from safegrid.hazards.models import Hazard, HazardEvent


def later(days=30):
    return str(timezone.localdate() + datetime.timedelta(days=days))


def test_meeting_list_shows_the_county_meetings_to_a_township_officer(world, as_user):
    d = seed_dispatch(world)
    page = as_user(world.users["township1"]).get(reverse("dispatch:meeting_list")).content.decode()
    assert "共 4 条" in page
    assert f'href="/dispatch/meetings/{d.meetings["committee"].pk}/"' in page
    assert "安远县安委办四月调度会" not in page


def test_meeting_list_filters_and_htmx_partial(world, as_user):
    seed_dispatch(world)
    client = as_user(world.users["office"])
    page = client.get(reverse("dispatch:meeting_list"), {"body": "sector_committee"}).content.decode()
    assert "共 2 条" in page
    partial = client.get(reverse("dispatch:meeting_list"), {"q": "四月"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "共 1 条" in partial.content.decode()


@pytest.mark.parametrize("user", ["grid11", "enterprise11", "expert", "sysadmin", "auditor"])
def test_pages_refuse_roles_without_dispatch(world, as_user, user):
    d = seed_dispatch(world)
    client = as_user(world.users[user])
    for url in (
        reverse("dispatch:meeting_list"),
        reverse("dispatch:meeting_detail", args=[d.meetings["office"].pk]),
        reverse("dispatch:action_item_list"),
        reverse("dispatch:compliance"),
    ):
        assert client.get(url).status_code == 403, url


def test_create_page_offers_a_sector_officer_only_its_committee(world, as_user):
    form = as_user(world.users["sector_mining"]).get(reverse("dispatch:meeting_create")).context["form"]
    assert list(form.fields["sector"].queryset) == [world.mining]
    assert list(form.fields["region"].queryset) == [world.county]


def test_create_page_records_a_meeting(world, as_user):
    client = as_user(world.users["office"])
    response = client.post(
        reverse("dispatch:meeting_create"),
        {
            "body": "county_committee",
            "region": world.county.pk,
            "kind": "plenary",
            "held_on": "2026-03-28",
            "attendee_count": "30",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "2026年3月28日县安委会全体会议" in page and "县安委会" in page


def test_detail_shows_decide_buttons_to_keepers_only(world, as_user):
    d = seed_dispatch(world)
    url = reverse("dispatch:meeting_detail", args=[d.meetings["office"].pk])
    decide = reverse("dispatch:agenda_item_decide", args=[d.agenda["office_l3"].pk])
    assert decide in as_user(world.users["office"]).get(url).content.decode()
    page = as_user(world.users["township1"]).get(url).content.decode()
    assert decide not in page and "新溪钨矿隐患提请县安委办协调" in page


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("office_b", 404),
        ("sector_mining", 404),
        ("township1", 403),
        ("grid11", 403),
    ],
)
def test_meeting_sub_pages_are_scoped(world, as_user, user, status):
    d = seed_dispatch(world)
    client = as_user(world.users[user])
    for url in (
        reverse("dispatch:meeting_edit", args=[d.meetings["office"].pk]),
        reverse("dispatch:agenda_item_add", args=[d.meetings["office"].pk]),
        reverse("dispatch:agenda_item_decide", args=[d.agenda["office_plain"].pk]),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("office", 200),
        ("leader", 200),
        ("office_b", 404),
        ("sector_mining", 403),  # reads the office's items, may not report them done
        ("township1", 403),  # likewise, unless its unit is the item's owner
        ("grid11", 403),
    ],
)
def test_complete_page_is_for_managers_and_the_responsible_unit(world, as_user, user, status):
    d = seed_dispatch(world)
    url = reverse("dispatch:action_item_complete", args=[d.actions["office_overdue"].pk])
    assert as_user(world.users[user]).get(url).status_code == status


def test_agenda_add_page_offers_only_hazards_at_the_bodys_level(world, as_user):
    d = seed_dispatch(world)
    form = (
        as_user(world.users["office"])
        .get(reverse("dispatch:agenda_item_add", args=[d.meetings["mining"].pk]))
        .context["form"]
    )
    assert list(form.fields["hazard"].queryset) == [d.hazards["l2_mining"]]


def test_decide_page_assigns_the_hazard_and_links_the_timeline_event(world, as_user):
    d = seed_dispatch(world)
    client = as_user(world.users["office"])
    response = client.post(
        reverse("dispatch:agenda_item_decide", args=[d.agenda["office_l3"].pk]),
        {
            "decision": "限期整改",
            "responsible_org": world.org_t1.pk,
            "responsible_person": "王主任",
            "deadline": later(),
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(pk=d.hazards["l3_mining"].pk)
    event = HazardEvent.objects.get(hazard=hazard, action="assign")
    assert (hazard.status, hazard.responsible_org) == ("assigned", world.org_t1)
    assert AgendaItem.objects.get(pk=d.agenda["office_l3"].pk).hazard_event == event
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["hazard.assign"]
    hazard_page = client.get(hazard.get_absolute_url()).content.decode()
    assert "崇义县安委办四月调度会决定：限期整改" in hazard_page


def test_decide_page_by_the_wrong_level_shows_the_chinese_refusal_and_writes_nothing(world, as_user):
    d = seed_dispatch(world)
    response = as_user(world.users["office"]).post(
        reverse("dispatch:agenda_item_decide", args=[d.agenda["committee_l4"].pk]),
        {
            "decision": "交办",
            "responsible_org": world.org_t2.pk,
            "responsible_person": "李",
            "deadline": later(),
        },
    )
    assert response.status_code == 400
    assert "县安委会会议对隐患的决定须由县安委会领导录入。" in response.content.decode()
    assert Hazard.objects.get(pk=d.hazards["l4_fire"].pk).status == "reported"
    assert (HazardEvent.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("state", "keys"),
    [
        ("overdue", {"office_overdue", "fire_overdue"}),
        ("done", {"office_done"}),
        ("open", {"committee_open", "mining_open"}),
    ],
)
def test_action_list_filters_by_state(world, as_user, state, keys):
    d = seed_dispatch(world)
    page = (
        as_user(world.users["office"])
        .get(reverse("dispatch:action_item_list"), {"state": state})
        .content.decode()
    )
    assert f"共 {len(keys)} 条" in page
    for key in keys:
        assert f'href="/dispatch/action-items/{d.actions[key].pk}/"' in page


def test_action_list_filters_by_owner_and_shows_figures(world, as_user):
    seed_dispatch(world)
    client = as_user(world.users["office"])
    page = client.get(reverse("dispatch:action_item_list"), {"owner": world.org_t1.pk}).content.decode()
    assert "共 1 条" in page and "横水镇完成矿山企业复工复产验收" in page
    full = client.get(reverse("dispatch:action_item_list")).content.decode()
    assert 'data-testid="figure-overdue">2<' in full and 'data-testid="figure-total">5<' in full


def test_complete_page_closes_an_item(world, as_user):
    d = seed_dispatch(world)
    client = as_user(world.users["office"])
    item = d.actions["office_overdue"]
    response = client.post(
        reverse("dispatch:action_item_complete", args=[item.pk]),
        {"done_on": str(timezone.localdate()), "note": "已完成验收"},
    )
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert ActionItem.objects.get(pk=item.pk).status == "done"
    assert "已办结" in client.get(item.get_absolute_url()).content.decode()


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_compliance_page_colours_periods_and_lists_the_missed_ones(world, as_user):
    seed_dispatch(world)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        page = as_user(world.users["sector_mining"]).get(reverse("dispatch:compliance"), {"year": "2026"})
    html = page.content.decode()
    assert page.status_code == 200
    # committee met in Q1 (27 March); office met in April only; mining committee met in Q2.
    assert html.count('data-status="missed"') == 1 + 5 + 1
    assert "县安委会 · 第二季度（2026-04-01 — 2026-06-30）：已召开 0 次，应召开 1 次" in html
    assert "崇义县矿山安全生产委员会 · 第一季度" in html
    assert "消防" not in html


def test_compliance_page_bad_year_is_a_chinese_400(world, as_user):
    response = as_user(world.users["office"]).get(reverse("dispatch:compliance"), {"year": "明年"})
    assert response.status_code == 400
    assert "年度应为 2000 至 2100 之间的整数。" in response.content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "route", ["dispatch:meeting_list", "dispatch:action_item_list", "dispatch:compliance"]
)
def test_list_query_counts_do_not_grow(world, as_user, route):
    d = seed_dispatch(world)
    client = as_user(world.users["office"])
    _count(client, reverse(route))
    before = _count(client, reverse(route))
    for i in range(8):
        meeting = Meeting.objects.create(
            body="sector_committee",
            sector=world.fire,
            region=world.county,
            region_path=world.county.path,
            title=f"加测会议{i}",
            kind="dispatch",
            held_on=datetime.date(2026, 1 + i, 3),
            created_by=world.users["office"],
        )
        AgendaItem.objects.create(meeting=meeting, title="议题")
        ActionItem.objects.create(
            meeting=meeting,
            region_path=meeting.region_path,
            sector_id=world.fire.pk,
            resolution=f"加测事项{i}",
            owner=world.org_t2 if i % 2 else d.actions["office_done"].owner,
            deadline=datetime.date(2026, 12, 1),
            created_by=world.users["office"],
        )
    assert _count(client, reverse(route)) == before
