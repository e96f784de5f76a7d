"""People for the shared test world (conftest.build_world), written through the services (so the
scope keys are the services'): persons at every level and at two enterprises, postings, teams,
trainings, certificates and commendations on both sides of every scope boundary. Idempotent per
world. Used by the scope contract's registry and by this app's tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from safegrid.people import services
from safegrid.people.validators import id_check_character


def id_number(serial: int, birth: str = "19850315") -> str:
    first17 = f"360725{birth}{serial:03d}"
    return first17 + id_check_character(first17)


def phone(serial: int) -> str:
    return f"139{serial:08d}"


def seed_people(w) -> SimpleNamespace:
    existing = getattr(w, "people", None)
    if existing is not None:
        return existing
    office, office_b = w.users["office"], w.users["office_b"]
    today = timezone.localdate()
    p = SimpleNamespace(persons={}, postings={}, teams={}, trainings={}, certificates={}, commendations={})

    def person(key, actor, serial, **kw):
        kw.setdefault("source", "grid_worker")
        kw.setdefault("employment", "full_time")
        p.persons[key] = services.person_create(
            actor=actor, name=kw.pop("name"), id_number=id_number(serial), phone=phone(serial), **kw
        )
        return p.persons[key]

    person(
        "office_staff",
        office,
        1,
        name="县办干部甲",
        organisation=w.org_office,
        region=w.county,
        source="sent_down",
    )
    person(
        "mining_staff",
        office,
        2,
        name="矿山监管员乙",
        organisation=w.org_mining_committee,
        region=w.county,
        source="hired",
    )
    person("g11_worker", office, 3, name="横水网格员丙", organisation=w.org_g11, region=w.g11)
    person(
        "g12_worker",
        office,
        4,
        name="新溪网格员丁",
        organisation=w.org_t1,
        region=w.g12,
        employment="part_time",
    )
    person("g21_worker", office, 5, name="扬眉网格员戊", organisation=w.org_t2, region=w.g21)
    person("mine11_operator", office, 6, name="横水钨矿电工己", site=w.site11_mine, source="enterprise")
    person("mine11_unqualified", office, 7, name="横水钨矿焊工庚", site=w.site11_mine, source="enterprise")
    person("mine21_operator", office, 8, name="扬眉钨矿电工辛", site=w.site21_mine, source="enterprise")
    person("b_worker", office_b, 9, name="欣山网格员壬", organisation=w.org_b, region=w.g31)

    def cert(key, actor, who, number, issued, **kw):
        kw.setdefault("kind", "special_operation")
        kw.setdefault("category", "electrical")
        p.certificates[key] = services.certificate_create(
            actor=actor, person=p.persons[who], number=number, issue_date=issued, **kw
        )

    cert("mine11_electric", office, "mine11_operator", "T360725001", today - datetime.timedelta(days=400))
    cert(
        "mine11_welding_old",
        office,
        "mine11_unqualified",
        "T360725002",
        today - datetime.timedelta(days=2300),
        category="welding",
    )
    # Since 2019 the certificate number is "T" + the ID number: personal data, shown masked.
    cert(
        "mine21_electric", office, "mine21_operator", "T" + id_number(8), today - datetime.timedelta(days=700)
    )
    cert(
        "g11_other",
        office,
        "g11_worker",
        "A-0001",
        today - datetime.timedelta(days=30),
        kind="safety_management",
        category="",
        expiry_date=today + datetime.timedelta(days=1000),
    )
    cert("b_electric", office_b, "b_worker", "T360726001", today - datetime.timedelta(days=100))

    def posting(key, actor, who, post, **kw):
        p.postings[key] = services.posting_create(actor=actor, person=p.persons[who], post=post, **kw)

    posting("g11_patrol", office, "g11_worker", "grid_worker", region=w.g11)
    posting("g21_patrol", office, "g21_worker", "grid_worker", region=w.g21)
    posting(
        "mine11_electric",
        office,
        "mine11_operator",
        "special_operator",
        site=w.site11_mine,
        operation_category="electrical",
    )
    posting(
        "mine21_electric",
        office,
        "mine21_operator",
        "special_operator",
        site=w.site21_mine,
        operation_category="electrical",
    )
    posting("mine11_safety", office, "mine11_unqualified", "safety_manager", site=w.site11_mine)
    posting("mining_inspector", office, "mining_staff", "sector_inspector")
    posting("b_patrol", office_b, "b_worker", "grid_worker", region=w.g31)

    def team(key, actor, name, kind, **kw):
        kw["members"] = [p.persons[k] for k in kw.get("members", [])]
        if "leader" in kw:
            kw["leader"] = p.persons[kw["leader"]]
        p.teams[key] = services.team_create(actor=actor, name=name, kind=kind, **kw)

    team(
        "g11",
        office,
        "横水第一网格安全队",
        "grid",
        region=w.g11,
        leader="g11_worker",
        members=["office_staff"],
    )
    team("t2", office, "扬眉镇安全生产专兼职队伍", "township", region=w.t2, leader="g21_worker")
    team(
        "mining",
        office,
        "县矿山安全监管队",
        "sector",
        region=w.county,
        sector=w.mining,
        leader="mining_staff",
    )
    team(
        "mine11",
        office,
        "横水钨矿安全小组",
        "enterprise",
        site=w.site11_mine,
        leader="mine11_operator",
        members=["mine11_unqualified"],
    )
    team("b", office_b, "欣山网格安全队", "grid", region=w.g31, leader="b_worker")

    def training(key, actor, title, organiser, **kw):
        kw.setdefault("kind", "business")
        kw.setdefault("hours", Decimal("4"))
        kw.setdefault("held_on", today - datetime.timedelta(days=20))
        kw["attendees"] = [p.persons[k] for k in kw.get("attendees", [])]
        p.trainings[key] = services.training_record(actor=actor, title=title, organiser=organiser, **kw)

    training(
        "office",
        office,
        "县网格员业务培训班",
        w.org_office,
        attendees=["g11_worker", "g21_worker"],
        outside_trainees=40,
    )
    training(
        "mining",
        office,
        "矿山特种作业培训",
        w.org_mining_committee,
        kind="special_operation",
        attendees=["mine11_operator"],
        outside_trainees=12,
    )
    training(
        "t1", office, "横水镇在职教育", w.org_t1, kind="in_service", attendees=["g11_worker", "g12_worker"]
    )
    training(
        "mine11",
        office,
        "横水钨矿三级安全教育",
        w.org_t1,
        kind="enterprise",
        site=w.site11_mine,
        attendees=["mine11_operator", "mine11_unqualified"],
    )
    training("b", office_b, "欣山镇网格员培训", w.org_b, attendees=["b_worker"], outside_trainees=5)

    def commend(key, actor, title, issuer, **kw):
        kw.setdefault("kind", "notice")
        kw.setdefault("awarded_on", today - datetime.timedelta(days=10))
        if "person" in kw:
            kw["person"] = p.persons[kw["person"]]
        p.commendations[key] = services.commendation_create(actor=actor, title=title, issuer=issuer, **kw)

    commend("g11", office, "优秀网格员通报表扬", w.org_office, person="g11_worker")
    commend("t2", office, "安全生产先进乡镇", w.org_office, kind="award", organisation=w.org_t2)
    commend(
        "hotel", office, "消防安全标准化示范单位", w.org_office, kind="award", recipient_site=w.site21_hotel
    )
    commend("mine11", office, "优秀特种作业人员", w.org_office, person="mine11_operator")
    commend("b", office_b, "欣山优秀网格员", w.org_b, person="b_worker")

    w.people = p
    return p
