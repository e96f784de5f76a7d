"""Services of the people module: the certificate gate on special-operation posts (先培训后上岗),
the uncertified-operator hazard, validation of personal data, scope of every write, teams,
trainings and commendations — each successful write leaving exactly one audit record, each
refusal leaving nothing."""

from __future__ import annotations

import contextlib
import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard
from safegrid.people import selectors, services
from safegrid.people.models import (
    Certificate,
    Commendation,
    Person,
    Posting,
    Team,
    TeamMembership,
    Training,
    TrainingAttendance,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)
VALID_ID = "11010519491231002X"  # the worked example of GB 11643-1999


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def _frozen_today():
    with at(TODAY):
        yield


@contextlib.contextmanager
def audited(*actions: str):
    """The block writes exactly these audit records, in this order."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    assert list(
        AuditEntry.objects.filter(pk__gt=last).order_by("pk").values_list("action", flat=True)
    ) == list(actions)


MODELS = (Person, Posting, Team, TeamMembership, Training, TrainingAttendance, Certificate, Commendation)


@contextlib.contextmanager
def nothing_written():
    """The block writes no people rows, no hazard and no audit record."""

    def counts():
        return [m.objects.count() for m in (*MODELS, Hazard, AuditEntry)]

    before = counts()
    yield
    assert counts() == before


def worker(world, name="周师傅", site=None, actor=None, **extra) -> Person:
    return services.person_create(
        actor=actor or world.users["office"],
        name=name,
        source="enterprise",
        employment="full_time",
        site=site or world.site11_mine,
        **extra,
    )


def official(world, name, region, actor=None) -> Person:
    return services.person_create(
        actor=actor or world.users["office"],
        name=name,
        source="sent_down",
        employment="full_time",
        region=region,
    )


def certify(world, person, *, issued=TODAY - 100 * DAY, category="electrical", number=None) -> Certificate:
    return services.certificate_create(
        actor=world.users["office"],
        person=person,
        kind="special_operation",
        category=category,
        number=number or f"T{person.pk:04d}{category[:3]}{issued:%Y%m%d}",
        issue_date=issued,
    )


def operate(world, person, category="electrical", actor=None) -> Posting:
    return services.posting_create(
        actor=actor or world.users["office"],
        person=person,
        post="special_operator",
        site=world.site11_mine,
        operation_category=category,
    )


# ---- the posting gate (先培训后上岗) -------------------------------------------------------------------


def test_special_operator_without_certificate_is_refused_with_a_clear_message_and_nothing_written(world):
    person = worker(world)
    with nothing_written(), pytest.raises(ApplicationError) as refused:
        operate(world, person)
    assert refused.value.message == (
        "先培训后上岗：周师傅 在 2026-06-01 没有有效的“电工作业”特种作业操作证，不能安排到特种作业岗位。"
    )


def test_special_operator_with_a_valid_certificate_is_posted(world):
    person = worker(world)
    certify(world, person)
    with audited("people.posting_create"):
        posting = operate(world, person)
    assert (posting.post, posting.operation_category, posting.site_id, posting.region_id) == (
        "special_operator",
        "electrical",
        world.site11_mine.pk,
        world.g11.pk,
    )
    assert (posting.region_path, posting.sector_id) == (world.site11_mine.region_path, world.mining.pk)


def test_special_operator_whose_certificate_is_in_its_review_window_is_posted(world):
    person = worker(world)
    certify(world, person, issued=datetime.date(2023, 6, 1))  # review due today
    assert operate(world, person).pk is not None


@pytest.mark.parametrize(
    "spoil",
    ["expired", "review_overdue", "revoked", "other_category"],
)
def test_special_operator_with_an_unqualifying_certificate_is_refused(world, spoil):
    person = worker(world)
    issued = {
        "expired": datetime.date(2020, 5, 31),  # expired 2026-05-31
        "review_overdue": datetime.date(2023, 5, 31),  # review was due 2026-05-31
    }.get(spoil, TODAY - 100 * DAY)
    cert = certify(
        world, person, issued=issued, category="welding" if spoil == "other_category" else "electrical"
    )
    if spoil == "revoked":
        services.certificate_revoke(actor=world.users["office"], certificate=cert, reason="违章")
    cert.refresh_from_db()
    assert cert.status_on(TODAY) == {"other_category": "valid"}.get(spoil, spoil)
    with nothing_written(), pytest.raises(ApplicationError) as refused:
        operate(world, person)
    assert "周师傅" in refused.value.message
    assert "电工作业" in refused.value.message


def test_special_operator_needs_a_certificate_valid_on_a_past_start_date_too(world):
    person = worker(world)
    certify(world, person, issued=TODAY - 10 * DAY)
    with nothing_written(), pytest.raises(ApplicationError) as refused:
        services.posting_create(
            actor=world.users["office"],
            person=person,
            post="special_operator",
            site=world.site11_mine,
            operation_category="electrical",
            started_on=TODAY - 20 * DAY,
        )
    assert "2026-05-12" in refused.value.message


def test_special_operator_needs_a_category(world):
    person = worker(world)
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        operate(world, person, category="")
    assert invalid.value.message_dict == {"operation_category": ["特种作业人员岗位应选择作业类别。"]}


def test_grid_posts_need_a_grid(world):
    person = official(world, "网格员甲", world.t1)
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        services.posting_create(
            actor=world.users["office"], person=person, post="grid_worker", region=world.t1
        )
    assert invalid.value.message_dict == {"region": ["网格岗位应选择一个网格。"]}
    with audited("people.posting_create"):
        posting = services.posting_create(
            actor=world.users["office"], person=person, post="grid_worker", region=world.g11
        )
    assert (posting.region_id, posting.region_path) == (world.g11.pk, world.g11.path)


def test_enterprise_posts_need_a_site(world):
    person = official(world, "安全员甲", world.g11)
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        services.posting_create(actor=world.users["office"], person=person, post="safety_manager")
    assert invalid.value.message_dict == {"site": ["企业岗位应选择任职企业。"]}


def test_a_posting_out_of_the_actors_scope_is_not_found(world):
    person = worker(world)
    certify(world, person)
    with nothing_written(), pytest.raises(NotInScope):
        operate(world, person, actor=world.users["township2"])


# ---- the uncertified operator: flag and major hazard -----------------------------------------------


def lapsed_operator(world, name="周师傅", started_on=TODAY) -> Posting:
    """A special operator posted with a valid certificate that was revoked afterwards."""
    person = worker(world, name=name)
    cert = certify(world, person)
    posting = services.posting_create(
        actor=world.users["office"],
        person=person,
        post="special_operator",
        site=world.site11_mine,
        operation_category="electrical",
        started_on=started_on,
    )
    services.certificate_revoke(actor=world.users["office"], certificate=cert, reason="违章作业")
    return posting


def test_uncertified_operator_raises_exactly_one_major_hazard_at_the_site(world):
    posting = lapsed_operator(world)
    with audited("hazard.report"):
        hazard = services.uncertified_hazard_raise(actor=world.users["township1"], posting=posting)
    assert Hazard.objects.filter(pk=hazard.pk).count() == 1
    assert Hazard.objects.exclude(number__startswith="YH-").count() == 1
    assert (hazard.grade, hazard.site_id, hazard.region_path, hazard.sector_id) == (
        "major",
        world.site11_mine.pk,
        world.site11_mine.region_path,
        world.site11_mine.sector_id,
    )
    assert "周师傅" in hazard.description
    posting.refresh_from_db()
    assert posting.hazard_id == hazard.pk


def test_a_second_raise_is_refused_while_the_hazard_is_open(world):
    posting = lapsed_operator(world)
    hazard = services.uncertified_hazard_raise(actor=world.users["township1"], posting=posting)
    with nothing_written(), pytest.raises(ApplicationError) as refused:
        services.uncertified_hazard_raise(actor=world.users["township1"], posting=posting)
    assert hazard.number in refused.value.message


def test_raising_is_refused_for_a_certified_operator(world):
    person = worker(world)
    certify(world, person)
    posting = operate(world, person)
    with nothing_written(), pytest.raises(ApplicationError) as refused:
        services.uncertified_hazard_raise(actor=world.users["township1"], posting=posting)
    assert refused.value.message == "该人员持有有效的特种作业操作证，无需生成隐患。"


def test_raising_is_not_found_outside_the_actors_scope(world):
    posting = lapsed_operator(world)
    with nothing_written(), pytest.raises(NotInScope):
        services.uncertified_hazard_raise(actor=world.users["township2"], posting=posting)


def test_uncertified_operators_flags_exactly_the_uncertified_active_special_operators(world):
    revoked = lapsed_operator(world, name="注销者")
    fine = worker(world, name="持证者")
    certify(world, fine)
    fine_posting = operate(world, fine)
    due = worker(world, name="将逾期者")
    certify(world, due, issued=datetime.date(2023, 6, 11))  # review due 2026-06-11
    due_posting = operate(world, due)
    left = lapsed_operator(world, name="已离岗者", started_on=TODAY - 30 * DAY)
    services.posting_end(actor=world.users["office"], posting=left, ended_on=TODAY - DAY)
    services.posting_create(
        actor=world.users["office"],
        person=worker(world, name="安全员"),
        post="safety_manager",
        site=world.site11_mine,
    )
    office = world.users["office"]
    assert set(selectors.uncertified_operators(actor=office)) == {revoked}
    assert set(selectors.uncertified_operators(actor=office, today=datetime.date(2026, 6, 11))) == {revoked}
    assert set(selectors.uncertified_operators(actor=office, today=datetime.date(2026, 6, 12))) == {
        revoked,
        due_posting,
    }
    assert fine_posting not in selectors.uncertified_operators(actor=office, today=datetime.date(2026, 6, 12))
    assert list(selectors.uncertified_operators(actor=world.users["township2"])) == []


# ---- people: validation and scope ----------------------------------------------------------------


def test_person_create_stores_a_valid_id_number_and_phone(world):
    with audited("people.person_create"):
        person = worker(world, id_number="11010519491231002x", phone="138 0000 1234")
    assert (person.id_number, person.phone) == (VALID_ID, "13800001234")
    assert (person.region_id, person.region_path, person.sector_id) == (
        world.g11.pk,
        world.g11.path,
        world.mining.pk,
    )


@pytest.mark.parametrize(
    ("id_number", "phone", "errors"),
    [
        ("110105194912310021", "", {"id_number": ["身份证号校验位不正确。"]}),
        ("11010519491231002", "", {"id_number": ["身份证号应为18位（最后一位可为X）。"]}),
        ("110105194902300024", "", {"id_number": ["身份证号中的出生日期无效。"]}),
        ("", "1380000123", {"phone": ["电话号码应为11位手机号或带区号的固定电话。"]}),
        (
            "11010519491231002Y",
            "12800001234",
            {
                "id_number": ["身份证号应为18位（最后一位可为X）。"],
                "phone": ["电话号码应为11位手机号或带区号的固定电话。"],
            },
        ),
    ],
)
def test_person_create_refuses_invalid_id_numbers_and_phones_in_chinese(world, id_number, phone, errors):
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        worker(world, id_number=id_number, phone=phone)
    assert invalid.value.message_dict == errors


def test_person_create_accepts_a_landline(world):
    assert worker(world, phone="0797-3812345").phone == "0797-3812345"


def test_a_township_officer_cannot_register_a_person_in_another_township(world):
    with nothing_written(), pytest.raises(NotInScope):
        official(world, "越权者", world.g11, actor=world.users["township2"])


def test_a_township_officer_registers_a_person_in_own_grid(world):
    with audited("people.person_create"):
        person = official(world, "网格员乙", world.g11, actor=world.users["township1"])
    assert person.region_path == world.g11.path


def test_an_enterprise_cannot_register_a_person_at_another_site(world):
    with nothing_written(), pytest.raises(NotInScope):
        worker(world, site=world.site12_mine, actor=world.users["enterprise11"])


def test_an_enterprise_registers_its_own_staff(world):
    with audited("people.person_create"):
        person = worker(world, actor=world.users["enterprise11"])
    assert person.site_id == world.site11_mine.pk


def test_an_enterprise_cannot_register_a_person_without_a_site(world):
    with nothing_written(), pytest.raises(NotInScope):
        official(world, "越权者", world.g11, actor=world.users["enterprise11"])


# ---- teams ---------------------------------------------------------------------------------------


def roster(team) -> dict[str, str]:
    return dict(TeamMembership.objects.filter(team=team).values_list("person__name", "role"))


def test_team_create_makes_the_leader_a_member_once(world):
    a, b = official(world, "甲", world.g11), official(world, "乙", world.g11)
    with audited("people.team_create"):
        team = services.team_create(
            actor=world.users["township1"],
            name="横水第一网格安全队",
            kind="grid",
            region=world.g11,
            leader=a,
            members=[a, b],
        )
    assert roster(team) == {"甲": "leader", "乙": "member"}
    assert (team.region_path, team.site_id) == (world.g11.path, None)


def test_team_update_keeps_the_leader_a_member_when_members_are_replaced(world):
    a, b, c = (official(world, n, world.g11) for n in ("甲", "乙", "丙"))
    team = services.team_create(
        actor=world.users["township1"], name="队", kind="grid", region=world.g11, leader=a, members=[b]
    )
    with audited("people.team_update"):
        services.team_update(actor=world.users["township1"], team=team, members=[b, c])
    assert roster(team) == {"甲": "leader", "乙": "member", "丙": "member"}


def test_team_update_changes_the_leader_and_keeps_one(world):
    a, b = official(world, "甲", world.g11), official(world, "乙", world.g11)
    team = services.team_create(
        actor=world.users["township1"], name="队", kind="grid", region=world.g11, leader=a, members=[b]
    )
    with audited("people.team_update"):
        services.team_update(actor=world.users["township1"], team=team, leader=b)
    assert roster(team) == {"甲": "member", "乙": "leader"}


def test_team_update_with_a_new_leader_outside_the_member_list_adds_him(world):
    a, b, c = (official(world, n, world.g11) for n in ("甲", "乙", "丙"))
    team = services.team_create(
        actor=world.users["township1"], name="队", kind="grid", region=world.g11, leader=a, members=[b]
    )
    services.team_update(actor=world.users["township1"], team=team, leader=c, members=[b])
    assert roster(team) == {"乙": "member", "丙": "leader"}


def test_a_grid_team_must_be_in_a_grid(world):
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        services.team_create(actor=world.users["township1"], name="队", kind="grid", region=world.t1)
    assert invalid.value.message_dict == {"region": ["网格安全队伍应建在网格。"]}


def test_team_members_out_of_scope_are_not_found(world):
    outsider = official(world, "外镇人", world.g21)
    with nothing_written(), pytest.raises(NotInScope):
        services.team_create(
            actor=world.users["township1"], name="队", kind="grid", region=world.g11, members=[outsider]
        )


# ---- training ------------------------------------------------------------------------------------


def test_training_counts_person_times_as_attendees_plus_outside_trainees(world):
    a, b = official(world, "甲", world.g11), official(world, "乙", world.g12)
    with audited("people.training_record"):
        training = services.training_record(
            actor=world.users["township1"],
            kind="business",
            title="网格员业务培训",
            organiser=world.org_t1,
            held_on=TODAY - DAY,
            hours=Decimal("4"),
            attendees=[a, b, a],
            outside_trainees=5,
        )
    training.refresh_from_db()
    assert (training.attendee_count, training.outside_trainees, training.person_times) == (2, 5, 7)
    assert set(training.attendance.values_list("person__name", flat=True)) == {"甲", "乙"}
    assert training.region_path == world.t1.path


def test_training_update_recounts_person_times(world):
    a, b = official(world, "甲", world.g11), official(world, "乙", world.g12)
    training = services.training_record(
        actor=world.users["township1"],
        kind="business",
        title="培训",
        organiser=world.org_t1,
        held_on=TODAY - DAY,
        hours=Decimal("2"),
        attendees=[a],
    )
    with audited("people.training_update"):
        services.training_update(
            actor=world.users["township1"], training=training, attendees=[a, b], outside_trainees=3
        )
    training.refresh_from_db()
    assert (training.attendee_count, training.person_times) == (2, 5)


def test_training_refuses_attendees_the_actor_cannot_see(world):
    outsider = official(world, "外镇人", world.g21)
    with nothing_written(), pytest.raises(NotInScope):
        services.training_record(
            actor=world.users["township1"],
            kind="business",
            title="培训",
            organiser=world.org_t1,
            held_on=TODAY - DAY,
            hours=Decimal("2"),
            attendees=[outsider],
        )


# ---- commendations -------------------------------------------------------------------------------


def commend(world, **recipient):
    return services.commendation_create(
        actor=world.users["office"],
        kind="notice",
        title="2026年度安全生产先进个人",
        awarded_on=TODAY - DAY,
        issuer=world.org_office,
        **recipient,
    )


def test_commendation_of_one_person(world):
    person = official(world, "先进者", world.g11)
    with audited("people.commendation_create"):
        item = commend(world, person=person)
    assert (item.recipient, item.region_path) == (person, world.g11.path)


def test_commendation_of_one_enterprise_is_placed_at_the_site(world):
    item = commend(world, recipient_site=world.site11_mine)
    assert (item.site_id, item.region_path, item.sector_id) == (
        world.site11_mine.pk,
        world.site11_mine.region_path,
        world.mining.pk,
    )


@pytest.mark.parametrize("recipients", ["none", "two"])
def test_commendation_needs_exactly_one_recipient(world, recipients):
    person = official(world, "先进者", world.g11)
    given = {} if recipients == "none" else {"person": person, "organisation": world.org_t1}
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        commend(world, **given)
    assert invalid.value.messages == ["表彰对象应为一名人员或一个单位。"]


# ---- certificates --------------------------------------------------------------------------------


def test_certificate_create_computes_the_dates_and_audits_once(world):
    person = worker(world)
    with audited("people.certificate_create"):
        cert = certify(world, person, issued=datetime.date(2024, 2, 29))
    assert (cert.expiry_date, cert.review_due_date) == (
        datetime.date(2030, 2, 28),
        datetime.date(2027, 2, 28),
    )
    assert (cert.region_path, cert.site_id, cert.sector_id) == (
        world.site11_mine.region_path,
        world.site11_mine.pk,
        world.mining.pk,
    )


def test_certificate_of_a_person_out_of_scope_is_not_found(world):
    person = worker(world)
    with nothing_written(), pytest.raises(NotInScope):
        services.certificate_create(
            actor=world.users["township2"],
            person=person,
            kind="special_operation",
            category="electrical",
            number="X1",
            issue_date=TODAY,
        )


def test_review_extension_needs_ten_clean_years(world):
    person = worker(world)
    cert = certify(world, person, issued=datetime.date(2024, 1, 1))
    Certificate.objects.filter(pk=cert.pk).update(continuous_since=TODAY.replace(year=2016) + DAY)
    with nothing_written(), pytest.raises(ApplicationError):
        services.certificate_extend_review(actor=world.users["office"], certificate=cert)
    Certificate.objects.filter(pk=cert.pk).update(continuous_since=TODAY.replace(year=2016))
    with audited("people.certificate_extend_review"):
        extended = services.certificate_extend_review(actor=world.users["office"], certificate=cert)
    assert (extended.review_extended, extended.review_due_date) == (True, None)


def test_review_extension_cannot_be_dated_in_the_future(world):
    person = worker(world)
    cert = certify(world, person, issued=datetime.date(2024, 1, 1))
    Certificate.objects.filter(pk=cert.pk).update(continuous_since=TODAY.replace(year=2016) + DAY)
    with nothing_written(), pytest.raises(ValidationError):
        services.certificate_extend_review(actor=world.users["office"], certificate=cert, on=TODAY + DAY)


def test_the_audit_record_of_a_person_never_holds_the_id_number_or_phone(world):
    with audited("people.person_create"):
        worker(world, id_number=VALID_ID, phone="13800001234")
    changes = str(AuditEntry.objects.get(action="people.person_create").changes)
    assert (VALID_ID in changes, "13800001234" in changes) == (False, False)


def test_an_id_number_is_registered_once(world):
    worker(world, id_number=VALID_ID)
    with nothing_written(), pytest.raises(ValidationError) as invalid:
        worker(world, name="重复者", id_number=VALID_ID)
    assert invalid.value.messages == ["该身份证号已登记。"]
