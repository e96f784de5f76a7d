"""REST API of the people module: masked personal data, the certificate gate and the uncertified
hazard, the posting and certificate actions (403 without the capability, 404 out of scope, nothing
written on denial), person-times per organiser against an independent sum, and team members."""

from __future__ import annotations

import contextlib
import datetime
import json
import zoneinfo
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard
from safegrid.people import services
from safegrid.people.models import (
    Certificate,
    Person,
    Posting,
    Team,
    TeamMembership,
    Training,
)
from safegrid.people.tests.world import id_number, phone, seed_people
from tests.contracts.registry import anchors, certificate_visible, training_visible

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)

NOT_FOUND = {"code": "not_found", "detail": "未找到。"}
FORBIDDEN = {"code": "permission_denied", "detail": "您没有执行该操作的权限。"}
INVALID = "提交的数据有误，请检查后重试。"


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
    models = (Person, Posting, Certificate, Training, Team, TeamMembership, Hazard)

    def counts():
        return [m.objects.count() for m in models] + [
            AuditEntry.objects.exclude(action="scope.denied").count()
        ]

    before = counts()
    yield
    assert counts() == before


def last_audit_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def new_audit_actions(since: int) -> list[str]:
    return list(AuditEntry.objects.filter(pk__gt=since).order_by("pk").values_list("action", flat=True))


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


# ---- people: masked on output --------------------------------------------------------------------

PERSON_KEYS = {
    "id",
    "name",
    "gender",
    "id_number_masked",
    "phone_masked",
    "source",
    "employment",
    "organisation",
    "organisation_name",
    "site",
    "site_name",
    "region",
    "region_name",
    "title",
    "is_active",
    "note",
    "personal_data_purged_on",
}


def test_person_detail_is_masked(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    response = client.get(reverse("api:person-detail", args=[person.pk]))
    raw = id_number(3)
    assert response.status_code == 200
    assert response.json() == {
        "id": person.pk,
        "name": "横水网格员丙",
        "gender": "",
        "id_number_masked": raw[:3] + "***********" + raw[-4:],
        "phone_masked": "139****0003",
        "source": "grid_worker",
        "employment": "full_time",
        "organisation": world.org_g11.pk,
        "organisation_name": "横水第一网格工作站",
        "site": None,
        "site_name": None,
        "region": world.g11.pk,
        "region_name": "横水第一网格",
        "title": "",
        "is_active": True,
        "note": "",
        "personal_data_purged_on": None,
    }


def test_person_list_never_carries_raw_id_numbers_or_phones(world, people, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("api:person-list"))
    body = response.content.decode()
    results = response.json()["results"]
    assert [set(item) for item in results] == [PERSON_KEYS] * 8  # the county's eight people
    for serial in range(1, 10):
        assert id_number(serial) not in body
        assert phone(serial) not in body


def person_body(world, **over) -> dict:
    body = {
        "name": "接口登记员",
        "id_number": id_number(601),
        "phone": "13900000601",
        "source": "grid_worker",
        "employment": "part_time",
        "organisation": world.org_t1.pk,
        "region": world.g12.pk,
    }
    body.update(over)
    return body


def test_person_create_stores_the_raw_values_and_answers_masked(world, client):
    client.force_login(world.users["township1"])
    response = post(client, reverse("api:person-list"), person_body(world))
    assert response.status_code == 201
    data = response.json()
    assert set(data) == PERSON_KEYS
    assert (data["id_number_masked"], data["phone_masked"]) == (
        id_number(601)[:3] + "***********" + id_number(601)[-4:],
        "139****0601",
    )
    person = Person.objects.get(pk=data["id"])
    assert (person.id_number, person.phone) == (id_number(601), "13900000601")


def test_person_create_with_a_bad_id_number_is_a_chinese_400_and_writes_nothing(world, people, client):
    good = id_number(601)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    client.force_login(world.users["township1"])
    with nothing_written():
        response = post(client, reverse("api:person-list"), person_body(world, id_number=bad))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"id_number": ["身份证号校验位不正确。"]},
    }


def test_person_patch_replaces_the_id_number_and_answers_masked(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    since = last_audit_pk()
    response = patch(client, reverse("api:person-detail", args=[person.pk]), {"id_number": id_number(777)})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == PERSON_KEYS
    assert data["id_number_masked"] == id_number(777)[:3] + "***********" + id_number(777)[-4:]
    assert id_number(777) not in response.content.decode()
    person.refresh_from_db()
    assert (person.id_number, person.phone) == (id_number(777), phone(3))
    assert new_audit_actions(since) == ["people.person_update"]
    assert AuditEntry.objects.get(pk__gt=since).changes == {"id_number": ["***", "***"]}


def test_person_patch_without_id_number_keeps_it(world, people, client):
    person = people.persons["g11_worker"]
    client.force_login(world.users["township1"])
    response = patch(client, reverse("api:person-detail", args=[person.pk]), {"title": "组长"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.id_number, person.phone, person.title) == (id_number(3), phone(3), "组长")


# ---- postings ------------------------------------------------------------------------------------


def test_posting_a_special_operator_without_certificate_is_refused_and_writes_nothing(world, people, client):
    person = people.persons["mine11_unqualified"]  # his welding certificate has expired
    client.force_login(world.users["office"])
    body = {
        "person": person.pk,
        "post": "special_operator",
        "operation_category": "welding",
        "site": world.site11_mine.pk,
    }
    with nothing_written():
        response = post(client, reverse("api:posting-list"), body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "refused",
        "detail": "先培训后上岗：横水钨矿焊工庚 在 2026-06-01 没有有效的“焊接与热切割作业”特种作业操作证，"
        "不能安排到特种作业岗位。",
    }


def test_posting_a_special_operator_with_a_certificate_is_created(world, people, client):
    person = people.persons["mine11_unqualified"]
    services.certificate_create(
        actor=world.users["office"],
        person=person,
        kind="special_operation",
        category="welding",
        number="T360725099",
        issue_date=TODAY - 30 * DAY,
    )
    client.force_login(world.users["enterprise11"])
    body = {
        "person": person.pk,
        "post": "special_operator",
        "operation_category": "welding",
        "site": world.site11_mine.pk,
    }
    response = post(client, reverse("api:posting-list"), body)
    assert response.status_code == 201
    posting = Posting.objects.get(pk=response.json()["id"])
    assert (posting.person_id, posting.operation_category, posting.started_on, posting.region_id) == (
        person.pk,
        "welding",
        TODAY,
        world.g11.pk,
    )


def test_posting_end_ends_it_once(world, people, client):
    posting = people.postings["mine11_electric"]
    client.force_login(world.users["township1"])
    url = reverse("api:posting-end", args=[posting.pk])
    response = post(client, url, {"ended_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["ended_on"]) == (posting.pk, "2026-06-01")
    posting.refresh_from_db()
    assert posting.ended_on == TODAY
    with nothing_written():
        again = post(client, url)
    assert again.status_code == 400
    assert again.json() == {"code": "refused", "detail": "该任职已结束。"}


@pytest.mark.parametrize(
    ("user", "key", "status", "body"),
    [
        ("grid11", "mine11_electric", 403, FORBIDDEN),
        ("leader", "mine11_electric", 403, FORBIDDEN),
        ("expert", "mine11_electric", 403, FORBIDDEN),
        ("township2", "mine11_electric", 404, NOT_FOUND),
        ("enterprise11", "mine21_electric", 404, NOT_FOUND),
    ],
)
def test_posting_end_is_refused_without_capability_or_scope(world, people, client, user, key, status, body):
    posting = people.postings[key]
    client.force_login(world.users[user])
    with nothing_written():
        response = post(client, reverse("api:posting-end", args=[posting.pk]))
    assert (response.status_code, response.json()) == (status, body)
    posting.refresh_from_db()
    assert posting.ended_on is None


@pytest.fixture
def uncertified(world, people):
    services.certificate_revoke(
        actor=world.users["office"], certificate=people.certificates["mine11_electric"], reason="违章"
    )
    return people.postings["mine11_electric"]


def test_uncertified_filter_lists_exactly_the_uncertified_posting(world, client, uncertified):
    client.force_login(world.users["office"])
    response = client.get(reverse("api:posting-list"), {"uncertified": "true"})
    assert [p["id"] for p in response.json()["results"]] == [uncertified.pk]


@pytest.mark.parametrize("user", ["office", "grid11"])
def test_raise_hazard_creates_one_major_hazard_and_refuses_a_second(world, client, uncertified, user):
    client.force_login(world.users[user])
    url = reverse("api:posting-raise-hazard", args=[uncertified.pk])
    before = set(Hazard.objects.values_list("pk", flat=True))
    response = post(client, url)
    assert response.status_code == 201
    hazard = Hazard.objects.exclude(pk__in=before).get()
    assert response.json() == {
        "id": hazard.pk,
        "number": hazard.number,
        "grade": "major",
        "status": "reported",
    }
    assert hazard.number.startswith("YH3607252026")
    site = world.site11_mine
    assert (hazard.site_id, hazard.region_path, hazard.sector_id, hazard.reported_by) == (
        site.pk,
        site.region_path,
        site.sector_id,
        world.users[user],
    )
    uncertified.refresh_from_db()
    assert uncertified.hazard_id == hazard.pk
    with nothing_written():
        again = post(client, url)
    assert again.status_code == 400
    assert again.json() == {
        "code": "refused",
        "detail": f"已为该人员生成隐患（{hazard.number}），请勿重复上报。",
    }


@pytest.mark.parametrize("user", ["township2", "office_b"])
def test_raise_hazard_out_of_scope_is_404_and_writes_nothing(world, client, uncertified, user):
    client.force_login(world.users[user])
    with nothing_written():
        response = post(client, reverse("api:posting-raise-hazard", args=[uncertified.pk]))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_raise_hazard_for_a_certified_operator_is_refused(world, people, client):
    client.force_login(world.users["office"])
    with nothing_written():
        response = post(
            client, reverse("api:posting-raise-hazard", args=[people.postings["mine11_electric"].pk])
        )
    assert (response.status_code, response.json()) == (
        400,
        {"code": "refused", "detail": "该人员持有有效的特种作业操作证，无需生成隐患。"},
    )


# ---- certificates --------------------------------------------------------------------------------

# mine11_electric: issued 2025-04-27, review due 2028-04-27, window from 2028-02-27.
REVIEW_DUE = datetime.date(2028, 4, 27)
WINDOW_OPENS = datetime.date(2028, 2, 27)


def test_certificate_review_inside_the_window(world, people, client):
    cert = people.certificates["mine11_electric"]
    with at(WINDOW_OPENS):
        client.force_login(world.users["enterprise11"])
        before = client.get(reverse("api:certificate-detail", args=[cert.pk])).json()
        response = post(client, reverse("api:certificate-review", args=[cert.pk]))
    assert (before["status"], before["reviewed_on"]) == ("review_due", None)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reviewed_on"]) == ("valid", "2028-02-27")
    cert.refresh_from_db()
    assert cert.reviewed_on == WINDOW_OPENS


def test_certificate_review_before_the_window_is_refused(world, people, client):
    cert = people.certificates["mine11_electric"]
    with at(WINDOW_OPENS - DAY):
        client.force_login(world.users["enterprise11"])
        with nothing_written():
            response = post(client, reverse("api:certificate-review", args=[cert.pk]))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"reviewed_on": ["复审应在 2028-04-27 前60日内进行（2028-02-27 起）。"]},
    }


def test_certificate_review_after_the_due_date_is_refused(world, people, client):
    cert = people.certificates["mine11_electric"]
    with at(REVIEW_DUE + DAY):
        client.force_login(world.users["enterprise11"])
        status = client.get(reverse("api:certificate-detail", args=[cert.pk])).json()["status"]
        with nothing_written():
            response = post(client, reverse("api:certificate-review", args=[cert.pk]))
    assert status == "review_overdue"
    assert (response.status_code, response.json()) == (
        400,
        {"code": "refused", "detail": "已超过应复审日期（2028-04-27），证书已失效，应重新考核取证。"},
    )


def test_certificate_extend_review_for_ten_clean_years(world, people, client):
    cert = services.certificate_create(
        actor=world.users["office"],
        person=people.persons["mine11_unqualified"],
        kind="special_operation",
        category="welding",
        number="T360725098",
        issue_date=TODAY - 30 * DAY,
        continuous_since=datetime.date(2016, 6, 1),
    )
    client.force_login(world.users["township1"])
    response = post(client, reverse("api:certificate-extend-review", args=[cert.pk]))
    assert response.status_code == 200
    data = response.json()
    assert (data["review_extended"], data["review_due_date"], data["status"]) == (True, None, "valid")
    with nothing_written():
        again = post(client, reverse("api:certificate-extend-review", args=[cert.pk]))
    assert (again.status_code, again.json()) == (400, {"code": "refused", "detail": "该证书已延长复审周期。"})


def test_certificate_revoke(world, people, client):
    cert = people.certificates["mine11_electric"]
    client.force_login(world.users["township1"])
    url = reverse("api:certificate-revoke", args=[cert.pk])
    with nothing_written():
        empty = post(client, url, {"reason": ""})
    assert (empty.status_code, empty.json()["code"], list(empty.json()["errors"])) == (
        400,
        "invalid",
        ["reason"],
    )
    response = post(client, url, {"reason": "伪造证书"})
    assert response.status_code == 200
    assert (response.json()["revoked"], response.json()["status"], response.json()["note"]) == (
        True,
        "revoked",
        "伪造证书",
    )


@pytest.mark.parametrize("action", ["review", "extend-review", "revoke"])
@pytest.mark.parametrize(
    ("user", "key", "status", "body"),
    [
        ("grid11", "mine11_electric", 403, FORBIDDEN),
        ("leader", "mine11_electric", 403, FORBIDDEN),
        ("expert", "mine11_electric", 403, FORBIDDEN),
        ("township2", "mine11_electric", 404, NOT_FOUND),
        ("enterprise11", "mine21_electric", 404, NOT_FOUND),
        ("office_b", "mine11_electric", 404, NOT_FOUND),
    ],
)
def test_certificate_actions_are_refused_without_capability_or_scope(
    world, people, client, action, user, key, status, body
):
    cert = people.certificates[key]
    with at(WINDOW_OPENS):  # a review would be accepted in scope
        client.force_login(world.users[user])
        with nothing_written():
            response = post(client, reverse(f"api:certificate-{action}", args=[cert.pk]), {"reason": "违章"})
    assert (response.status_code, response.json()) == (status, body)
    cert.refresh_from_db()
    assert (cert.reviewed_on, cert.review_extended, cert.revoked) == (None, False, False)


@pytest.fixture
def all_statuses(world, people):
    office = world.users["office"]

    def special(person, number, issued, category="electrical"):
        return services.certificate_create(
            actor=office,
            person=people.persons[person],
            kind="special_operation",
            category=category,
            number=number,
            issue_date=issued,
        )

    special("g12_worker", "T-REVIEW-DUE", datetime.date(2023, 6, 30))
    special("g21_worker", "T-OVERDUE", datetime.date(2023, 5, 1))
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


@pytest.mark.parametrize("user", ["office", "township1", "township2", "enterprise11", "sector_mining"])
def test_certificate_status_field_is_the_status_today(world, client, all_statuses, user):
    client.force_login(world.users[user])
    results = client.get(reverse("api:certificate-list")).json()["results"]
    anchor = anchors(world)[user]
    assert {c["id"]: c["status"] for c in results} == {
        c.pk: c.status_on(TODAY)
        for c in Certificate.objects.select_related("person")
        if certificate_visible(c, anchor)
    }


def test_certificate_status_values_of_the_office(world, people, client, all_statuses):
    client.force_login(world.users["office"])
    results = client.get(reverse("api:certificate-list")).json()["results"]
    seeded = {key: c.pk for key, c in people.certificates.items()}
    added = dict(
        Certificate.objects.filter(
            number__in=["T-REVIEW-DUE", "T-OVERDUE", "T-REVOKED", "A-EXPIRING"]
        ).values_list("number", "pk")
    )
    assert {c["id"]: c["status"] for c in results} == {
        seeded["mine11_electric"]: "valid",
        seeded["mine11_welding_old"]: "expired",
        seeded["mine21_electric"]: "valid",
        seeded["g11_other"]: "valid",
        added["T-REVIEW-DUE"]: "review_due",
        added["T-OVERDUE"]: "review_overdue",
        added["T-REVOKED"]: "revoked",
        added["A-EXPIRING"]: "expiry_due",
    }


# ---- trainings: person-times per organiser -------------------------------------------------------


@pytest.fixture
def more_trainings(world, people):
    for title, organiser, held_on, hours, outside in (
        ("横水镇春季培训", world.org_t1, TODAY - 100 * DAY, Decimal("2.5"), 7),
        ("县安委办近期培训", world.org_office, TODAY - 5 * DAY, Decimal("3"), 9),
    ):
        services.training_record(
            actor=world.users["office"],
            kind="business",
            title=title,
            organiser=organiser,
            held_on=held_on,
            hours=hours,
            outside_trainees=outside,
            attendees=[people.persons["g12_worker"]],
        )


def expected_person_times(world, user, date_from=None, date_to=None) -> list[dict]:
    anchor = anchors(world)[user]
    totals: dict[int, dict] = defaultdict(lambda: {"trainings": 0, "person_times": 0, "hours": Decimal(0)})
    names = {}
    for t in Training.objects.select_related("organiser", "site"):
        if not training_visible(t, anchor):
            continue
        if (date_from and t.held_on < date_from) or (date_to and t.held_on > date_to):
            continue
        row = totals[t.organiser_id]
        names[t.organiser_id] = t.organiser.name
        row["trainings"] += 1
        row["person_times"] += t.attendance.count() + t.outside_trainees
        row["hours"] += t.hours
    return sorted(
        (
            {
                "organiser_id": pk,
                "organiser_name": names[pk],
                "trainings": row["trainings"],
                "person_times": row["person_times"],
                "hours": float(row["hours"]),
            }
            for pk, row in totals.items()
        ),
        key=lambda r: r["organiser_id"],
    )


def person_times(client, **query) -> list[dict]:
    response = client.get(reverse("api:training-person-times"), query)
    assert response.status_code == 200
    return sorted(response.json(), key=lambda r: r["organiser_id"])


@pytest.mark.parametrize("user", ["office", "township1", "enterprise11", "sector_mining"])
def test_person_times_equal_an_independent_sum(world, client, more_trainings, user):
    client.force_login(world.users[user])
    expected = expected_person_times(world, user)
    assert person_times(client) == expected
    assert expected != []


@pytest.mark.parametrize("user", ["office", "township1"])
def test_person_times_honour_the_period(world, client, more_trainings, user):
    client.force_login(world.users[user])
    date_from, date_to = TODAY - 50 * DAY, TODAY - 10 * DAY
    shown = person_times(client, date_from=date_from.isoformat(), date_to=date_to.isoformat())
    assert shown == expected_person_times(world, user, date_from, date_to)
    assert shown != expected_person_times(world, user)


def test_person_times_of_the_office_are_most_first(world, client, more_trainings):
    client.force_login(world.users["office"])
    response = client.get(reverse("api:training-person-times"))
    assert [
        (r["organiser_name"], r["trainings"], r["person_times"], r["hours"]) for r in response.json()
    ] == [
        ("崇义县安委办", 2, 52, 7.0),
        ("崇义县矿山安全生产委员会", 1, 13, 4.0),
        ("横水镇人民政府", 3, 12, 10.5),
    ]


def test_person_times_with_a_bad_date_is_a_chinese_400(world, people, client):
    client.force_login(world.users["office"])
    response = client.get(reverse("api:training-person-times"), {"date_from": "2026-13-01"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"date_from": ["输入一个有效的日期。"]},
    }


# ---- teams ---------------------------------------------------------------------------------------


def members(response) -> list[tuple[int, str]]:
    return sorted((m["person"], m["role"]) for m in response.json()["members"])


def test_team_create_with_a_leader_and_members(world, people, client):
    p = people.persons
    client.force_login(world.users["township1"])
    body = {
        "name": "横水第二网格安全队",
        "kind": "grid",
        "region": world.g12.pk,
        "leader": p["g12_worker"].pk,
        "members": [p["g11_worker"].pk, p["mine11_operator"].pk],
    }
    response = post(client, reverse("api:team-list"), body)
    assert response.status_code == 201
    assert members(response) == sorted(
        [(p["g12_worker"].pk, "leader"), (p["g11_worker"].pk, "member"), (p["mine11_operator"].pk, "member")]
    )
    assert response.json()["member_count"] == 3
    team = Team.objects.get(pk=response.json()["id"])
    assert (team.region_path, team.kind) == (world.g12.path, "grid")
    assert sorted(team.memberships.values_list("person_id", "role")) == members(response)


def test_team_patch_members_keeps_the_leader_a_member(world, people, client):
    p = people.persons
    team = people.teams["mine11"]  # leader mine11_operator, member mine11_unqualified
    client.force_login(world.users["enterprise11"])
    response = patch(
        client, reverse("api:team-detail", args=[team.pk]), {"members": [p["mine11_unqualified"].pk]}
    )
    assert response.status_code == 200
    assert members(response) == sorted(
        [(p["mine11_operator"].pk, "leader"), (p["mine11_unqualified"].pk, "member")]
    )
    response = patch(client, reverse("api:team-detail", args=[team.pk]), {"members": []})
    assert members(response) == [(p["mine11_operator"].pk, "leader")]
    assert list(team.memberships.values_list("person_id", "role")) == [(p["mine11_operator"].pk, "leader")]


def test_team_patch_a_new_leader_replaces_the_old(world, people, client):
    p = people.persons
    team = people.teams["mine11"]
    client.force_login(world.users["enterprise11"])
    response = patch(
        client, reverse("api:team-detail", args=[team.pk]), {"leader": p["mine11_unqualified"].pk}
    )
    assert response.status_code == 200
    assert members(response) == sorted(
        [(p["mine11_operator"].pk, "member"), (p["mine11_unqualified"].pk, "leader")]
    )


def test_team_create_with_a_member_out_of_scope_is_400_and_writes_nothing(world, people, client):
    outsider = people.persons["g21_worker"]
    client.force_login(world.users["township1"])
    body = {
        "name": "横水第二网格安全队",
        "kind": "grid",
        "region": world.g12.pk,
        "leader": people.persons["g12_worker"].pk,
        "members": [outsider.pk],
    }
    with nothing_written():
        response = post(client, reverse("api:team-list"), body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID,
        "errors": {"members": [f"无效主键 “{outsider.pk}” － 对象不存在。"]},
    }


def test_team_patch_with_a_member_out_of_scope_is_400_and_changes_nothing(world, people, client):
    team = people.teams["mine11"]
    before = sorted(team.memberships.values_list("person_id", "role"))
    outsider = people.persons["mine21_operator"]
    client.force_login(world.users["enterprise11"])
    with nothing_written():
        response = patch(client, reverse("api:team-detail", args=[team.pk]), {"members": [outsider.pk]})
    assert response.status_code == 400
    assert json.loads(response.content)["errors"] == {
        "members": [f"无效主键 “{outsider.pk}” － 对象不存在。"]
    }
    assert sorted(team.memberships.values_list("person_id", "role")) == before
