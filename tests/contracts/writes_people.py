"""The audited writes of the people module (persons, postings, teams, trainings, certificates,
commendations) for test_audit_contract. Each `url` seeds the people of the world first, so the
seed's own audit records are written before the test counts."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safegrid.people.models import Certificate, Commendation, Person, Posting, Team, Training
from safegrid.people.tests.world import id_number, seed_people

from .base import Write


def _p(w, key):
    return seed_people(w).persons[key]


def _url(name, key=None, group="persons"):
    def url(w):
        people = seed_people(w)
        if key is None:
            return reverse(name)
        return reverse(name, args=[getattr(people, group)[key].pk])

    return url


def person_form(w, **over):
    data = {
        "name": "新登记网格员",
        "gender": "female",
        "id_number": id_number(501),
        "phone": "13900000501",
        "source": "grid_worker",
        "employment": "part_time",
        "organisation": w.org_t1.pk,
        "site": "",
        "region": w.g12.pk,
        "title": "",
        "note": "",
    }
    data.update(over)
    return data


TODAY = timezone.localdate


PEOPLE_WRITES = [
    Write(
        "person create page",
        "township1",
        "page",
        _url("people:person_create"),
        lambda w: person_form(w),
        lambda w: person_form(w, region=w.g21.pk),  # another township's grid: not a choice
        "people.person_create",
        Person,
    ),
    Write(
        "person create api",
        "office",
        "api",
        _url("api:person-list"),
        lambda w: {"name": "县办新人", "source": "sent_down", "employment": "full_time", "region": w.t2.pk},
        lambda w: {
            "name": "县办新人",
            "source": "sent_down",
            "employment": "full_time",
            "region": w.t2.pk,
            "id_number": "360725198503150010",
        },  # wrong check character
        "people.person_create",
        Person,
    ),
    Write(
        "person edit page",
        "township1",
        "page",
        _url("people:person_edit", "g12_worker"),
        lambda w: person_form(w, name="新溪网格员丁", id_number="", phone="", is_active="on", title="组长"),
        lambda w: person_form(w, name="新溪网格员丁", id_number="", phone="12345", is_active="on"),
        "people.person_update",
        Person,
    ),
    Write(
        "person patch api",
        "enterprise11",
        "api",
        _url("api:person-detail", "mine11_operator"),
        lambda w: {"title": "电工班长"},
        lambda w: {"phone": "0797-12"},
        "people.person_update",
        Person,
        method="patch",
    ),
    Write(
        "posting create page",
        "office",
        "page",
        _url("people:posting_create"),
        lambda w: {
            "person": _p(w, "g12_worker").pk,
            "post": "grid_worker",
            "region": w.g12.pk,
            "started_on": str(TODAY()),
            "operation_category": "",
            "site": "",
            "note": "",
        },
        # 先培训后上岗: no certificate → refused with the reason
        lambda w: {
            "person": _p(w, "g12_worker").pk,
            "post": "special_operator",
            "operation_category": "welding",
            "site": w.site12_mine.pk,
            "started_on": str(TODAY()),
            "region": "",
            "note": "",
        },
        "people.posting_create",
        Posting,
    ),
    Write(
        "posting create api",
        "enterprise11",
        "api",
        _url("api:posting-list"),
        lambda w: {"person": _p(w, "mine11_unqualified").pk, "post": "principal", "site": w.site11_mine.pk},
        # the welding certificate expired: refused
        lambda w: {
            "person": _p(w, "mine11_unqualified").pk,
            "post": "special_operator",
            "operation_category": "welding",
            "site": w.site11_mine.pk,
        },
        "people.posting_create",
        Posting,
    ),
    Write(
        "team create api",
        "township2",
        "api",
        _url("api:team-list"),
        lambda w: {
            "name": "扬眉第一网格安全队",
            "kind": "grid",
            "region": w.g21.pk,
            "leader": _p(w, "g21_worker").pk,
        },
        lambda w: {"name": "越界队伍", "kind": "grid", "region": w.g11.pk},
        "people.team_create",
        Team,
    ),
    Write(
        "team edit page",
        "office",
        "page",
        _url("people:team_edit", "t2", "teams"),
        lambda w: {
            "name": "扬眉镇安全生产专兼职队伍",
            "organisation": w.org_t2.pk,
            "leader": _p(w, "g21_worker").pk,
            "members": [_p(w, "g21_worker").pk],
            "is_active": "on",
            "note": "调整队员",
        },
        lambda w: {"name": "", "organisation": "", "leader": "", "is_active": "on", "note": ""},
        "people.team_update",
        Team,
    ),
    Write(
        "training record page",
        "township1",
        "page",
        _url("people:training_create"),
        lambda w: {
            "kind": "business",
            "title": "横水镇网格员培训",
            "organiser": w.org_t1.pk,
            "site": "",
            "held_on": str(TODAY()),
            "hours": "3",
            "location": "",
            "content": "",
            "attendees": [_p(w, "g11_worker").pk],
            "outside_trainees": "20",
            "results": "",
        },
        lambda w: {
            "kind": "business",
            "title": "横水镇网格员培训",
            "organiser": w.org_t1.pk,
            "site": "",
            "held_on": str(TODAY()),
            "hours": "3",
            "location": "",
            "content": "",
            "attendees": [_p(w, "g21_worker").pk],
            "outside_trainees": "20",
            "results": "",
        },
        "people.training_record",
        Training,
    ),
    Write(
        "training patch api",
        "office",
        "api",
        _url("api:training-detail", "office", "trainings"),
        lambda w: {"outside_trainees": 45},
        lambda w: {"hours": "0"},
        "people.training_update",
        Training,
        method="patch",
    ),
    Write(
        "certificate create api",
        "office",
        "api",
        _url("api:certificate-list"),
        lambda w: {
            "person": _p(w, "g12_worker").pk,
            "kind": "special_operation",
            "category": "height",
            "number": "T360725099",
            "issue_date": str(TODAY()),
        },
        lambda w: {
            "person": _p(w, "g12_worker").pk,
            "kind": "special_operation",
            "category": "",
            "number": "T360725099",
            "issue_date": str(TODAY()),
        },
        "people.certificate_create",
        Certificate,
    ),
    Write(
        "certificate revoke page",
        "office",
        "page",
        _url("people:certificate_revoke", "mine21_electric", "certificates"),
        lambda w: {"reason": "持证人离职，证书交回"},
        lambda w: {"reason": ""},
        "people.certificate_revoke",
        Certificate,
    ),
    Write(
        "commendation create page",
        "sector_mining",
        "page",
        _url("people:commendation_create"),
        lambda w: {
            "kind": "notice",
            "title": "矿山安全先进个人",
            "awarded_on": str(TODAY()),
            "issuer": w.org_mining_committee.pk,
            "document_number": "崇矿安〔2026〕3号",
            "person": _p(w, "mine11_operator").pk,
            "organisation": "",
            "recipient_site": "",
            "reason": "",
        },
        lambda w: {
            "kind": "notice",
            "title": "矿山安全先进个人",
            "awarded_on": str(TODAY()),
            "issuer": w.org_mining_committee.pk,
            "document_number": "",
            "person": "",
            "organisation": "",
            "recipient_site": "",
            "reason": "",
        },
        "people.commendation_create",
        Commendation,
    ),
]
