"""Pages of the people module that the scope contract does not cover: masked personal data on the
person pages, the certificate gate (先培训后上岗) on the posting page, the posting and certificate
action pages (capability 403, scope 404, success), the uncertified-operator hazard, and the
aggregates on the training and certificate lists checked against independent counts."""

from __future__ import annotations

import contextlib
import datetime
import re
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard
from safegrid.people import services
from safegrid.people.models import Certificate, Person, Posting, Training
from safegrid.people.tests.world import id_number, phone, seed_people
from tests.contracts.registry import anchors, certificate_visible, training_visible

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen_today():
    with at(TODAY):
        yield


@pytest.fixture
def people(world):
    return seed_people(world)


@contextlib.contextmanager
def nothing_written():
    """The block writes no people rows, no hazard and no audit record (but the scope denial, if any)."""

    def counts():
        return [m.objects.count() for m in (Person, Posting, Certificate, Training, Hazard)] + [
            AuditEntry.objects.exclude(action="scope.denied").count()
        ]

    before = counts()
    yield
    assert counts() == before


def new_audit_actions(since: int) -> list[str]:
    """The actions recorded since `since`, but scope denials (core.audit; tested in the contracts)."""
    rows = AuditEntry.objects.filter(pk__gt=since).exclude(action="scope.denied")
    return list(rows.order_by("pk").values_list("action", flat=True))


def last_audit_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


class _Tables(HTMLParser):
    """The text of every cell of every table, as {data-testid or index: [[cell, …], …]}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._stack: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            key = attrs.get("data-testid") or str(len(self.tables))
            self.tables[key] = []
            self._stack.append(key)
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._stack and not self._in_head:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "thead":
            self._in_head = False
        elif tag == "td" and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._stack[-1]].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, key: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables[key]


# ---- person pages: masked personal data -----------------------------------------------------------


def person_form(world, **over) -> dict:
    data = {
        "name": "新登记网格员",
        "gender": "female",
        "id_number": id_number(501),
        "phone": "13900000501",
        "source": "grid_worker",
        "employment": "part_time",
        "organisation": world.org_t1.pk,
        "site": "",
        "region": world.g12.pk,
        "title": "",
        "note": "",
    }
    data.update(over)
    return data


def test_person_create_page_registers_the_person_and_redirects_to_the_person(world, client):
    client.force_login(world.users["township1"])
    since = last_audit_pk()
    response = client.post(reverse("people:person_create"), person_form(world))
    person = Person.objects.get(name="新登记网格员")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person.pk])
    assert (person.id_number, person.phone, person.region_id, person.region_path) == (
        id_number(501),
        "13900000501",
        world.g12.pk,
        world.g12.path,
    )
    assert new_audit_actions(since) == ["people.person_create"]


GOOD_ID = id_number(501)
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")  # wrong check character


def test_person_create_page_with_a_bad_id_number_is_refused_in_chinese_and_writes_nothing(world, client):
    client.force_login(world.users["township1"])
    with nothing_written():
        response = client.post(reverse("people:person_create"), person_form(world, id_number=BAD_ID))
    assert response.status_code == 400
    assert "身份证号校验位不正确。" in response.content.decode()


def test_person_page_shows_id_number_and_phone_masked_and_never_raw(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    html = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    shown = dict(re.findall(r'data-testid="(id-number|phone)">([^<]*)</dd>', html))
    raw_id = id_number(3)
    assert shown == {"id-number": raw_id[:3] + "*" * 11 + raw_id[-4:], "phone": "139****0003"}
    assert raw_id not in html
    assert phone(3) not in html


def test_person_edit_form_never_contains_the_raw_id_number_or_phone(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    response = client.get(reverse("people:person_edit", args=[person.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert id_number(3) not in html
    assert phone(3) not in html
    inputs = dict(re.findall(r'<input type="text" name="(id_number|phone)"([^>]*)>', html))
    assert set(inputs) == {"id_number", "phone"}
    assert "value=" not in inputs["id_number"]
    assert "value=" not in inputs["phone"]
    assert f"已登记：{person.id_number_masked}。留空保持不变，填写则替换。" in html
    assert "已登记：139****0003。留空保持不变，填写则替换。" in html


def edit_form(world, person, **over) -> dict:
    data = {
        "name": person.name,
        "gender": person.gender,
        "id_number": "",
        "phone": "",
        "source": person.source,
        "employment": person.employment,
        "organisation": person.organisation_id or "",
        "site": person.site_id or "",
        "region": person.region_id,
        "title": person.title,
        "note": person.note,
        "is_active": "on",
    }
    data.update(over)
    return data


def test_person_edit_with_blank_id_number_and_phone_keeps_the_stored_values(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    since = last_audit_pk()
    response = client.post(
        reverse("people:person_edit", args=[person.pk]), edit_form(world, person, title="组长")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.phone, person.title) == (id_number(3), phone(3), "组长")
    assert new_audit_actions(since) == ["people.person_update"]
    assert AuditEntry.objects.get(pk__gt=since).changes == {"title": ["", "组长"]}


def test_person_edit_with_new_id_number_and_phone_replaces_them(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    since = last_audit_pk()
    response = client.post(
        reverse("people:person_edit", args=[person.pk]),
        edit_form(world, person, id_number=id_number(777), phone="13812345678"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (id_number(777), "13812345678")
    assert AuditEntry.objects.get(pk__gt=since).changes == {
        "id_number": ["***", "***"],
        "phone": ["***", "***"],
    }


# ---- posting page: 先培训后上岗 ------------------------------------------------------------------------


def operator_form(world, person, category="welding") -> dict:
    return {
        "person": person.pk,
        "post": "special_operator",
        "operation_category": category,
        "region": "",
        "site": world.site11_mine.pk,
        "started_on": TODAY.isoformat(),
        "note": "",
    }


def test_posting_page_refuses_a_special_operator_without_a_valid_certificate(world, people, client):
    person = people.persons["mine11_unqualified"]  # holds a welding certificate that has expired
    client.force_login(world.users["office"])
    with nothing_written():
        response = client.post(reverse("people:posting_create"), operator_form(world, person))
    assert response.status_code == 400
    assert (
        "先培训后上岗：横水钨矿焊工庚 在 2026-06-01 没有有效的“焊接与热切割作业”特种作业操作证，"
        "不能安排到特种作业岗位。"
    ) in response.content.decode()


def test_posting_page_posts_a_special_operator_with_a_valid_certificate(world, people, client):
    person = people.persons["mine11_unqualified"]
    services.certificate_create(
        actor=world.users["office"],
        person=person,
        kind="special_operation",
        category="welding",
        number="T360725099",
        issue_date=TODAY - 30 * DAY,
    )
    client.force_login(world.users["office"])
    since = last_audit_pk()
    response = client.post(reverse("people:posting_create"), operator_form(world, person))
    posting = Posting.objects.get(person=person, post="special_operator")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:posting_detail", args=[posting.pk])
    assert (posting.operation_category, posting.site_id, posting.started_on) == (
        "welding",
        world.site11_mine.pk,
        TODAY,
    )
    assert new_audit_actions(since) == ["people.posting_create"]


# ---- posting end ---------------------------------------------------------------------------------

ACCESS = [
    ("township2", "mine11_electric", 404),  # a t1 row
    ("enterprise11", "mine21_electric", 404),  # another site's row
    ("office_b", "mine11_electric", 404),  # another county
    ("grid11", "mine11_electric", 403),  # reads people, does not manage them
    ("leader", "mine11_electric", 403),
    ("expert", "mine11_electric", 403),
    ("township1", "mine11_electric", 200),
    ("enterprise11", "mine11_electric", 200),
]


@pytest.mark.parametrize(("user", "key", "status"), ACCESS)
def test_posting_end_page_is_scoped(world, people, client, user, key, status):
    client.force_login(world.users[user])
    response = client.get(reverse("people:posting_end", args=[people.postings[key].pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("user", "key", "status"), ACCESS)
def test_posting_end_post_ends_only_in_scope(world, people, client, user, key, status):
    posting = people.postings[key]
    client.force_login(world.users[user])
    since = last_audit_pk()
    response = client.post(reverse("people:posting_end", args=[posting.pk]), {"ended_on": TODAY.isoformat()})
    posting.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("people:posting_detail", args=[posting.pk])
        assert posting.ended_on == TODAY
        assert new_audit_actions(since) == ["people.posting_end"]
    else:
        assert response.status_code == status
        assert posting.ended_on is None
        assert new_audit_actions(since) == []


def test_posting_end_before_the_start_is_refused_in_chinese(world, people, client):
    posting = people.postings["mine11_electric"]
    client.force_login(world.users["office"])
    with nothing_written():
        response = client.post(
            reverse("people:posting_end", args=[posting.pk]), {"ended_on": (TODAY - DAY).isoformat()}
        )
    assert response.status_code == 400
    assert "离岗日期不能早于上岗日期。" in response.content.decode()


# ---- certificate actions -------------------------------------------------------------------------

CERT_ACCESS = [
    ("township2", "mine11_electric", 404),
    ("enterprise11", "mine21_electric", 404),
    ("office_b", "mine11_electric", 404),
    ("grid11", "mine11_electric", 403),
    ("leader", "mine11_electric", 403),
    ("expert", "mine11_electric", 403),
    ("township1", "mine11_electric", 200),
    ("enterprise11", "mine11_electric", 200),
]
CERT_ACTIONS = ["people:certificate_review", "people:certificate_extend", "people:certificate_revoke"]


@pytest.mark.parametrize("name", CERT_ACTIONS)
@pytest.mark.parametrize(("user", "key", "status"), CERT_ACCESS)
def test_certificate_action_pages_are_scoped(world, people, client, name, user, key, status):
    client.force_login(world.users[user])
    assert client.get(reverse(name, args=[people.certificates[key].pk])).status_code == status


@pytest.mark.parametrize(("user", "key", "status"), CERT_ACCESS)
def test_certificate_revoke_post_revokes_only_in_scope(world, people, client, user, key, status):
    cert = people.certificates[key]
    client.force_login(world.users[user])
    since = last_audit_pk()
    response = client.post(reverse("people:certificate_revoke", args=[cert.pk]), {"reason": "伪造证书"})
    cert.refresh_from_db()
    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("people:certificate_detail", args=[cert.pk])
        assert (cert.revoked, cert.note) == (True, "伪造证书")
        assert new_audit_actions(since) == ["people.certificate_revoke"]
    else:
        assert response.status_code == status
        assert (cert.revoked, cert.note) == (False, "")
        assert new_audit_actions(since) == []


@pytest.mark.parametrize(("user", "status"), [("township2", 404), ("grid11", 403), ("leader", 403)])
def test_certificate_review_and_extend_posts_out_of_scope_or_without_capability_change_nothing(
    world, people, client, user, status
):
    cert = people.certificates["mine11_electric"]
    client.force_login(world.users[user])
    with nothing_written():
        review = client.post(
            reverse("people:certificate_review", args=[cert.pk]), {"reviewed_on": TODAY.isoformat()}
        )
        extend = client.post(reverse("people:certificate_extend", args=[cert.pk]), {"confirm": "on"})
    assert (review.status_code, extend.status_code) == (status, status)
    cert.refresh_from_db()
    assert (cert.reviewed_on, cert.review_extended) == (None, False)


# mine11_electric was issued on TODAY - 400 days = 2025-04-27: review due 2028-04-27, window from
# 2028-02-27 (60 days before).
REVIEW_DUE = datetime.date(2028, 4, 27)
WINDOW_OPENS = datetime.date(2028, 2, 27)


@pytest.mark.parametrize("day", [WINDOW_OPENS, REVIEW_DUE])
def test_certificate_review_page_records_a_review_inside_the_window(world, people, client, day):
    cert = people.certificates["mine11_electric"]
    with at(day):
        client.force_login(world.users["township1"])
        since = last_audit_pk()
        response = client.post(
            reverse("people:certificate_review", args=[cert.pk]), {"reviewed_on": day.isoformat()}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:certificate_detail", args=[cert.pk])
    cert.refresh_from_db()
    assert cert.reviewed_on == day
    assert new_audit_actions(since) == ["people.certificate_review"]


def test_certificate_review_page_refuses_a_review_before_the_window(world, people, client):
    cert = people.certificates["mine11_electric"]
    day = WINDOW_OPENS - DAY
    with at(day):
        client.force_login(world.users["township1"])
        with nothing_written():
            response = client.post(
                reverse("people:certificate_review", args=[cert.pk]), {"reviewed_on": day.isoformat()}
            )
    assert response.status_code == 400
    assert "复审应在 2028-04-27 前60日内进行（2028-02-27 起）。" in response.content.decode()
    cert.refresh_from_db()
    assert cert.reviewed_on is None


def test_certificate_review_page_refuses_a_review_after_the_due_date(world, people, client):
    cert = people.certificates["mine11_electric"]
    day = REVIEW_DUE + DAY
    with at(day):
        client.force_login(world.users["township1"])
        with nothing_written():
            response = client.post(
                reverse("people:certificate_review", args=[cert.pk]), {"reviewed_on": day.isoformat()}
            )
    assert response.status_code == 400
    assert "已超过应复审日期（2028-04-27），证书已失效，应重新考核取证。" in response.content.decode()


def test_certificate_extend_page_extends_a_holder_with_ten_clean_years(world, people, client):
    cert = services.certificate_create(
        actor=world.users["office"],
        person=people.persons["mine11_unqualified"],
        kind="special_operation",
        category="welding",
        number="T360725098",
        issue_date=TODAY - 30 * DAY,
        continuous_since=datetime.date(2016, 6, 1),
    )
    client.force_login(world.users["enterprise11"])
    since = last_audit_pk()
    response = client.post(reverse("people:certificate_extend", args=[cert.pk]), {"confirm": "on"})
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (cert.review_extended, cert.review_due_date) == (True, None)
    assert new_audit_actions(since) == ["people.certificate_extend_review"]


def test_certificate_extend_page_refuses_a_holder_without_ten_years(world, people, client):
    cert = people.certificates["mine11_electric"]
    client.force_login(world.users["enterprise11"])
    with nothing_written():
        response = client.post(reverse("people:certificate_extend", args=[cert.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "延长复审周期需连续从事本工种10年以上且无违章记录。" in response.content.decode()


# ---- 无证上岗 → major hazard -----------------------------------------------------------------------


def posting_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr><td><a href="/people/postings/(\d+)/">', html)]


def uncertified_list(client) -> str:
    response = client.get(reverse("people:posting_list"), {"uncertified": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_revoked_certificate_flags_exactly_its_holders_posting(world, people, client):
    services.certificate_revoke(
        actor=world.users["office"], certificate=people.certificates["mine11_electric"], reason="违章"
    )
    client.force_login(world.users["office"])
    html = uncertified_list(client)
    assert posting_ids(html) == [people.postings["mine11_electric"].pk]
    assert html.count('data-testid="uncertified">无证上岗</span>') == 1


def test_an_overdue_review_flags_exactly_its_holders_posting(world, people, client):
    # mine21_electric was issued 2024-07-01: its review fell due on 2027-07-01.
    with at(datetime.date(2027, 7, 2)):
        client.force_login(world.users["office"])
        html = uncertified_list(client)
        assert posting_ids(html) == [people.postings["mine21_electric"].pk]
        assert html.count('data-testid="uncertified">无证上岗</span>') == 1
        client.force_login(world.users["township1"])
        assert posting_ids(uncertified_list(client)) == []


def test_no_posting_is_flagged_while_every_operator_is_certified(world, people, client):
    client.force_login(world.users["office"])
    html = uncertified_list(client)
    assert posting_ids(html) == []
    assert "没有符合条件的任职记录。" in html


@pytest.fixture
def uncertified(world, people):
    services.certificate_revoke(
        actor=world.users["office"], certificate=people.certificates["mine11_electric"], reason="违章"
    )
    return people.postings["mine11_electric"]


@pytest.mark.parametrize("user", ["office", "grid11"])
def test_raising_the_hazard_creates_one_major_hazard_at_the_site(world, client, uncertified, user):
    client.force_login(world.users[user])
    before = set(Hazard.objects.values_list("pk", flat=True))
    response = client.post(reverse("people:posting_raise_hazard", args=[uncertified.pk]))
    new = Hazard.objects.exclude(pk__in=before)
    assert new.count() == 1
    hazard = new.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:hazard_detail", args=[hazard.pk])
    site = world.site11_mine
    assert (hazard.grade, hazard.site_id, hazard.region_path, hazard.sector_id, hazard.reported_by) == (
        "major",
        site.pk,
        site.region_path,
        site.sector_id,
        world.users[user],
    )
    uncertified.refresh_from_db()
    assert uncertified.hazard_id == hazard.pk


def test_raising_the_hazard_twice_is_refused_in_chinese_and_creates_nothing(world, client, uncertified):
    client.force_login(world.users["office"])
    url = reverse("people:posting_raise_hazard", args=[uncertified.pk])
    assert client.post(url).status_code == 302
    uncertified.refresh_from_db()
    with nothing_written():
        again = client.post(url)
    assert again.status_code == 400
    assert f"已为该人员生成隐患（{uncertified.hazard.number}），请勿重复上报。" in again.content.decode()


@pytest.mark.parametrize("user", ["township2", "office_b"])
def test_raising_the_hazard_out_of_scope_is_not_found(world, client, uncertified, user):
    client.force_login(world.users[user])
    url = reverse("people:posting_raise_hazard", args=[uncertified.pk])
    with nothing_written():
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_raising_the_hazard_for_a_certified_operator_is_refused(world, people, client):
    client.force_login(world.users["office"])
    url = reverse("people:posting_raise_hazard", args=[people.postings["mine11_electric"].pk])
    with nothing_written():
        response = client.post(url)
    assert response.status_code == 400
    assert "该人员持有有效的特种作业操作证，无需生成隐患。" in response.content.decode()


def test_the_list_links_the_raised_hazard(world, client, uncertified):
    client.force_login(world.users["office"])
    client.post(reverse("people:posting_raise_hazard", args=[uncertified.pk]))
    uncertified.refresh_from_db()
    html = uncertified_list(client)
    assert posting_ids(html) == [uncertified.pk]
    assert (
        f'<a class="small" href="{uncertified.hazard.get_absolute_url()}">{uncertified.hazard.number}</a>'
        in html
    )


# ---- training list: person-times per organiser ----------------------------------------------------


def expected_by_organiser(world, user, date_from=None, date_to=None) -> dict[str, list[str]]:
    """Independently: trainings the role sees (registry oracle), in the period, summed per organiser
    from the attendance register plus the outside trainees."""
    anchor = anchors(world)[user]
    totals: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for t in Training.objects.select_related("organiser", "site__grid", "site__sector", "organiser__region"):
        if not training_visible(t, anchor):
            continue
        if (date_from and t.held_on < date_from) or (date_to and t.held_on > date_to):
            continue
        row = totals[t.organiser.name]
        row[0] += 1
        row[1] += t.attendance.count() + t.outside_trainees
        row[2] += t.hours
    return {
        name: [str(n), str(times), f"{hours.normalize():f}"] for name, (n, times, hours) in totals.items()
    }


def shown_by_organiser(html: str) -> dict[str, list[str]]:
    rows = table(html, "person-times-by-organiser")
    if rows and len(rows[0]) == 1:  # the "no trainings" row
        return {}
    return {row[0]: row[1:] for row in rows}


@pytest.fixture
def more_trainings(world, people):
    office = world.users["office"]
    for title, organiser, held_on, hours, outside in (
        ("横水镇春季培训", world.org_t1, TODAY - 100 * DAY, Decimal("2.5"), 7),
        ("县安委办近期培训", world.org_office, TODAY - 5 * DAY, Decimal("3"), 9),
        ("扬眉镇冬训", world.org_t2, TODAY - 200 * DAY, Decimal("1.5"), 4),
    ):
        services.training_record(
            actor=office,
            kind="business",
            title=title,
            organiser=organiser,
            held_on=held_on,
            hours=hours,
            outside_trainees=outside,
            attendees=[people.persons["g12_worker"]],
        )


@pytest.mark.parametrize(
    "user", ["office", "township1", "township2", "sector_mining", "enterprise11", "grid11"]
)
def test_training_list_person_times_per_organiser_match_an_independent_sum(
    world, client, more_trainings, user
):
    client.force_login(world.users[user])
    html = client.get(reverse("people:training_list")).content.decode()
    expected = expected_by_organiser(world, user)
    assert shown_by_organiser(html) == expected
    assert expected != {}


@pytest.mark.parametrize("user", ["office", "township1"])
def test_training_list_person_times_follow_the_date_filters(world, client, more_trainings, user):
    client.force_login(world.users[user])
    date_from, date_to = TODAY - 50 * DAY, TODAY - 10 * DAY
    html = client.get(
        reverse("people:training_list"), {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    ).content.decode()
    assert shown_by_organiser(html) == expected_by_organiser(world, user, date_from, date_to)
    assert shown_by_organiser(html) != expected_by_organiser(world, user)


def test_training_list_person_times_follow_every_list_filter(world, client, more_trainings):
    """Filtering the list by type narrows the per-organiser totals the same way."""
    client.force_login(world.users["office"])
    html = client.get(reverse("people:training_list"), {"kind": "special_operation"}).content.decode()
    mining = Training.objects.get(kind="special_operation")
    assert shown_by_organiser(html) == {
        mining.organiser.name: ["1", str(mining.attendance.count() + mining.outside_trainees), "4"]
    }


def test_training_list_person_times_for_the_office_are_the_seeded_sums(world, client, more_trainings):
    """The oracle itself, pinned on the seed: 县安委办 40+2 and 9+1, 矿山安委会 12+1, 横水镇 2, 2 and 7+1."""
    client.force_login(world.users["office"])
    html = client.get(reverse("people:training_list")).content.decode()
    assert shown_by_organiser(html) == {
        "崇义县安委办": ["2", "52", "7"],
        "崇义县矿山安全生产委员会": ["1", "13", "4"],
        "横水镇人民政府": ["3", "12", "10.5"],
        "扬眉镇人民政府": ["1", "5", "1.5"],
    }


def test_training_list_with_an_empty_period_says_so(world, client, more_trainings):
    client.force_login(world.users["office"])
    html = client.get(reverse("people:training_list"), {"date_from": "2020-01-01", "date_to": "2020-12-31"})
    assert shown_by_organiser(html.content.decode()) == {}
    assert "所选期间没有培训。" in html.content.decode()


# ---- certificate list: counts per status ---------------------------------------------------------


@pytest.fixture
def all_statuses(world, people):
    """Certificates in every status, in both townships and at the site."""
    office = world.users["office"]

    def special(person, number, issued, **kw):
        return services.certificate_create(
            actor=office,
            person=people.persons[person],
            kind="special_operation",
            category=kw.pop("category", "electrical"),
            number=number,
            issue_date=issued,
            **kw,
        )

    special("g12_worker", "T-REVIEW-DUE", datetime.date(2023, 6, 30))  # review due 2026-06-30
    special("g21_worker", "T-OVERDUE", datetime.date(2023, 5, 1))  # review was due 2026-05-01
    special("mine11_operator", "T-HEIGHT", datetime.date(2025, 1, 1), category="height")
    revoked = special("g21_worker", "T-REVOKED", datetime.date(2025, 1, 1), category="height")
    services.certificate_revoke(actor=office, certificate=revoked, reason="注销")
    services.certificate_create(
        actor=office,
        person=people.persons["g12_worker"],
        kind="safety_management",
        number="A-EXPIRING",
        issue_date=datetime.date(2023, 7, 1),
        expiry_date=TODAY + 30 * DAY,
    )
    services.certificate_create(
        actor=office,
        person=people.persons["mine11_operator"],
        kind="other",
        number="O-EXPIRED",
        issue_date=datetime.date(2020, 1, 1),
        expiry_date=TODAY - DAY,
    )


STATUSES = ["valid", "review_due", "expiry_due", "review_overdue", "expired", "revoked"]


def expected_status_counts(world, user) -> dict[str, int]:
    anchor = anchors(world)[user]
    counts = dict.fromkeys(STATUSES, 0)
    for cert in Certificate.objects.select_related(
        "person__site__grid", "person__region", "person__organisation"
    ):
        if certificate_visible(cert, anchor):
            counts[cert.status_on(TODAY)] += 1
    return counts


def shown_status_counts(html: str) -> dict[str, int]:
    """{status: n} from the badges ("<label> <n>")."""
    badges = re.findall(r'data-testid="status-(\w+)">([^<]*)</a>', html)
    return {key: int(text.split()[-1]) for key, text in badges}


@pytest.mark.parametrize(
    "user", ["office", "township1", "township2", "sector_mining", "enterprise11", "grid11"]
)
def test_certificate_status_counts_match_an_independent_count(world, client, all_statuses, user):
    client.force_login(world.users[user])
    html = client.get(reverse("people:certificate_list")).content.decode()
    assert shown_status_counts(html) == expected_status_counts(world, user)


def test_certificate_status_counts_of_the_office_cover_every_status(world, client, all_statuses):
    client.force_login(world.users["office"])
    html = client.get(reverse("people:certificate_list")).content.decode()
    assert shown_status_counts(html) == {
        "valid": 4,
        "review_due": 1,
        "expiry_due": 1,
        "review_overdue": 1,
        "expired": 2,
        "revoked": 1,
    }


def certificate_ids(html: str) -> list[int]:
    return sorted(int(pk) for pk in re.findall(r'<tr><td><a href="/people/certificates/(\d+)/">', html))


@pytest.mark.parametrize("status", STATUSES)
def test_certificate_list_filters_by_status(world, client, all_statuses, status):
    client.force_login(world.users["office"])
    html = client.get(reverse("people:certificate_list"), {"status": status}).content.decode()
    anchor = anchors(world)["office"]
    expected = sorted(
        c.pk
        for c in Certificate.objects.select_related("person")
        if certificate_visible(c, anchor) and c.status_on(TODAY) == status
    )
    assert certificate_ids(html) == expected
    assert expected != []


def test_certificate_list_expired_filter_lists_the_two_expired(world, people, client, all_statuses):
    client.force_login(world.users["office"])
    html = client.get(reverse("people:certificate_list"), {"status": "expired"}).content.decode()
    assert certificate_ids(html) == sorted(
        [people.certificates["mine11_welding_old"].pk, Certificate.objects.get(number="O-EXPIRED").pk]
    )


# ---- date inputs ---------------------------------------------------------------------------------


def test_date_inputs_carry_an_iso_value_that_a_browser_accepts(world, people, client):
    """<input type="date"> drops any value that is not YYYY-MM-DD (the zh-hans format is 2026/06/01),
    which left the required 上岗日期 blank in the browser."""
    client.force_login(world.users["office"])
    create = client.get(reverse("people:posting_create")).content.decode()
    edit = client.get(reverse("people:training_edit", args=[people.trainings["t1"].pk])).content.decode()
    assert re.findall(r'<input type="date" name="started_on" value="([^"]*)"', create) == ["2026-06-01"]
    assert re.findall(r'<input type="date" name="held_on" value="([^"]*)"', edit) == ["2026-05-12"]
