"""Every write through the pages or the API leaves exactly one audit record, naming the actor and
the action; a refused or invalid write leaves none and changes no row."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import json
import re

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, credit_code
from safegrid.accounts.models import RoleAssignment, User
from safegrid.core.audit import audit_record, verify_chain
from safegrid.core.logsafe import id_number_valid
from safegrid.core.models import AuditEntry
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.sites.models import Site

from .base import Write
from .writes_people import PEOPLE_WRITES
from .writes_publicity import PUBLICITY_WRITES

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def site_form(w, **over):
    data = {
        "name": "新登记钨矿",
        "category": "enterprise",
        "kind": "mine",
        "credit_code": credit_code(900),
        "sector": w.mining.pk,
        "grid": w.g12.pk,
        "address": "横水镇新溪村",
        "longitude": "",
        "latitude": "",
        "size": "small",
        "employees": "12",
        "legal_representative": "",
        "safety_contact": "",
        "contact_phone": "",
        "business_status": "operating",
    }
    data.update(over)
    return data


def site_json(w, **over):
    data = {
        "name": "新登记钨矿",
        "category": "enterprise",
        "kind": "mine",
        "credit_code": credit_code(901),
        "sector": w.mining.pk,
        "grid": w.g12.pk,
        "address": "横水镇新溪村",
        "employees": 12,
    }
    data.update(over)
    return data


WRITES = [
    # ---- pages ----
    Write(
        "region create page",
        "sysadmin",
        "page",
        lambda w: reverse("orgs:region_create"),
        lambda w: {
            "parent": w.t1.pk,
            "kind": 5,
            "code": "360725100009",
            "name": "横水第九网格",
            "sort_order": 0,
        },
        lambda w: {"parent": w.t1.pk, "kind": 5, "code": "360725101009", "name": "错码网格", "sort_order": 0},
        "region.create",
        Region,
    ),
    Write(
        "region edit page",
        "sysadmin",
        "page",
        lambda w: reverse("orgs:region_edit", args=[w.g11.pk]),
        lambda w: {"name": "横水一网格", "sort_order": 1},
        lambda w: {"name": "", "sort_order": 1},
        "region.update",
        Region,
    ),
    Write(
        "sector create page",
        "sysadmin",
        "page",
        lambda w: reverse("orgs:sector_create"),
        lambda w: {
            "region": w.county.pk,
            "code": "gas",
            "name": "城镇燃气",
            "meetings_per_year": 4,
            "sort_order": 0,
        },
        lambda w: {
            "region": w.county.pk,
            "code": "mining",
            "name": "矿山",
            "meetings_per_year": 4,
            "sort_order": 0,
        },
        "sector.create",
        Sector,
    ),
    Write(
        "sector edit page",
        "sysadmin",
        "page",
        lambda w: reverse("orgs:sector_edit", args=[w.fire.pk]),
        lambda w: {"name": "消防安全", "meetings_per_year": 6, "sort_order": 0},
        lambda w: {"name": "消防安全", "meetings_per_year": -1, "sort_order": 0},
        "sector.update",
        Sector,
    ),
    Write(
        "organisation create page",
        "office",
        "page",
        lambda w: reverse("orgs:organisation_create"),
        lambda w: {"name": "县应急管理局", "kind": "department", "region": w.county.pk, "is_active": "on"},
        lambda w: {"name": "县应急管理局", "kind": "department", "region": w.county_b.pk, "is_active": "on"},
        "organisation.create",
        Organisation,
    ),
    Write(
        "organisation edit page",
        "office",
        "page",
        lambda w: reverse("orgs:organisation_edit", args=[w.org_t1.pk]),
        lambda w: {"name": "横水镇政府", "kind": "township_government", "is_active": "on"},
        lambda w: {"name": "横水镇政府", "kind": "no_such_kind", "is_active": "on"},
        "organisation.update",
        Organisation,
    ),
    Write(
        "grid duty create page",
        "township1",
        "page",
        lambda w: reverse("orgs:gridduty_create"),
        lambda w: {
            "grid": w.g12.pk,
            "role": "grid_chief",
            "person_name": "陈七",
            "duties": "组织检查\n督促整改",
            "inspection_interval_days": 30,
        },
        lambda w: {
            "grid": w.g21.pk,
            "role": "grid_chief",
            "person_name": "陈七",
            "duties": "组织检查",
            "inspection_interval_days": 30,
        },
        "gridduty.create",
        GridDuty,
    ),
    Write(
        "grid duty edit page",
        "township1",
        "page",
        lambda w: reverse("orgs:gridduty_edit", args=[w.duty11.pk]),
        lambda w: {"person_name": "张三丰", "duties": "隐患排查上报", "inspection_interval_days": 60},
        lambda w: {"person_name": "张三丰", "duties": "", "inspection_interval_days": 60},
        "gridduty.update",
        GridDuty,
    ),
    Write(
        "site create page",
        "township1",
        "page",
        lambda w: reverse("sites:site_create"),
        lambda w: site_form(w),
        lambda w: site_form(w, credit_code="91360725000000000X"),
        "site.create",
        Site,
    ),
    Write(
        "site edit page",
        "township1",
        "page",
        lambda w: reverse("sites:site_edit", args=[w.site12_mine.pk]),
        lambda w: site_form(w, credit_code=w.site12_mine.credit_code, name="新溪钨矿（改）"),
        lambda w: site_form(w, credit_code=w.site12_mine.credit_code, grid=w.g21.pk),
        "site.update",
        Site,
    ),
    Write(
        "user create page",
        "secadmin",
        "page",
        lambda w: reverse("accounts:user_create"),
        lambda w: {
            "username": "newgrid",
            "display_name": "新网格员",
            "password1": "Xy7-long-passphrase",
            "password2": "Xy7-long-passphrase",
            "role": "grid_worker",
            "region": w.g12.pk,
        },
        lambda w: {
            "username": "newgrid",
            "display_name": "新网格员",
            "password1": "short",
            "password2": "short",
            "role": "grid_worker",
            "region": w.g12.pk,
        },
        "user.create",
        User,
    ),
    Write(
        "user edit page",
        "secadmin",
        "page",
        lambda w: reverse("accounts:user_edit", args=[w.users["grid11"].pk]),
        lambda w: {"display_name": "网格员甲", "is_active": "on"},
        lambda w: {"display_name": "网格员甲", "email": "not-an-email", "is_active": "on"},
        "user.update",
        User,
    ),
    Write(
        "role assign page",
        "secadmin",
        "page",
        lambda w: reverse("accounts:role_assign", args=[w.users["grid11"].pk]),
        lambda w: {"role": "grid_worker", "region": w.g12.pk},
        lambda w: {"role": "audit_admin", "region": w.county.pk},
        "role.assign",
        RoleAssignment,
    ),
    Write(
        "inspection create page",
        "grid11",
        "page",
        lambda w: reverse("inspections:inspection_create"),
        lambda w: {
            "site": w.site11_mall.pk,
            "kind": "daily_patrol",
            "inspected_on": str(TODAY),
            "inspectors": "张三",
            "result": "no_hazard",
        },
        lambda w: {
            "site": w.site11_mall.pk,
            "kind": "daily_patrol",
            "inspected_on": str(TOMORROW),
            "inspectors": "张三",
            "result": "no_hazard",
        },
        "inspection.record",
        Inspection,
    ),
    Write(
        "hazard report page",
        "grid11",
        "page",
        lambda w: reverse("hazards:hazard_report"),
        lambda w: {
            "site": w.site11_mall.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "灭火器过期",
        },
        lambda w: {
            "site": w.site21_hotel.pk,
            "category": "thing",
            "grade": "general",
            "source": "patrol",
            "description": "越权上报",
        },
        "hazard.report",
        Hazard,
    ),
    Write(
        "hazard escalate page",
        "township1",
        "page",
        lambda w: reverse("hazards:hazard_action", args=[w.hazards["g11"].pk, "escalate"]),
        lambda w: {"reason": "乡镇无法协调"},
        lambda w: {"reason": ""},
        "hazard.escalate",
        Hazard,
    ),
    # ---- API ----
    Write(
        "region create api",
        "sysadmin",
        "api",
        lambda w: reverse("api:region-list"),
        lambda w: {"parent": w.t1.pk, "kind": 5, "code": "360725100009", "name": "横水第九网格"},
        lambda w: {"parent": w.t3.pk, "kind": 5, "code": "360726100009", "name": "越权网格"},
        "region.create",
        Region,
    ),
    Write(
        "region patch api",
        "sysadmin",
        "api",
        lambda w: reverse("api:region-detail", args=[w.g11.pk]),
        lambda w: {"name": "横水一网格"},
        lambda w: {"geometry": {"type": "Point", "coordinates": [1, 2]}},
        "region.update",
        Region,
        "patch",
    ),
    Write(
        "sector create api",
        "sysadmin",
        "api",
        lambda w: reverse("api:sector-list"),
        lambda w: {"region": w.county.pk, "code": "gas", "name": "城镇燃气"},
        lambda w: {"region": w.county.pk, "code": "燃气", "name": "城镇燃气"},
        "sector.create",
        Sector,
    ),
    Write(
        "sector patch api",
        "sysadmin",
        "api",
        lambda w: reverse("api:sector-detail", args=[w.fire.pk]),
        lambda w: {"meetings_per_year": 12},
        lambda w: {"meetings_per_year": "很多"},
        "sector.update",
        Sector,
        "patch",
    ),
    Write(
        "organisation create api",
        "office",
        "api",
        lambda w: reverse("api:organisation-list"),
        lambda w: {"name": "县应急管理局", "kind": "department", "region": w.county.pk},
        lambda w: {"name": "x" * 101, "kind": "department", "region": w.county.pk},
        "organisation.create",
        Organisation,
    ),
    Write(
        "organisation patch api",
        "office",
        "api",
        lambda w: reverse("api:organisation-detail", args=[w.org_t1.pk]),
        lambda w: {"contact_name": "刘主任"},
        lambda w: {"parent": w.org_t1.pk},
        "organisation.update",
        Organisation,
        "patch",
    ),
    Write(
        "grid duty create api",
        "township1",
        "api",
        lambda w: reverse("api:gridduty-list"),
        lambda w: {"grid": w.g12.pk, "role": "grid_chief", "duties": ["组织检查"]},
        lambda w: {"grid": w.g12.pk, "role": "grid_chief", "duties": "组织检查"},
        "gridduty.create",
        GridDuty,
    ),
    Write(
        "grid duty patch api",
        "township1",
        "api",
        lambda w: reverse("api:gridduty-detail", args=[w.duty11.pk]),
        lambda w: {"duties": ["隐患排查上报", "安全宣传"]},
        lambda w: {"duties": []},
        "gridduty.update",
        GridDuty,
        "patch",
    ),
    Write(
        "site create api",
        "township1",
        "api",
        lambda w: reverse("api:site-list"),
        lambda w: site_json(w),
        lambda w: site_json(w, grid=w.g21.pk),
        "site.create",
        Site,
    ),
    Write(
        "site patch api",
        "enterprise11",
        "api",
        lambda w: reverse("api:site-detail", args=[w.site11_mine.pk]),
        lambda w: {"contact_phone": "13800000000"},
        lambda w: {"sector": w.fire.pk},
        "site.update",
        Site,
        "patch",
    ),
    Write(
        "user create api",
        "secadmin",
        "api",
        lambda w: reverse("api:user-list"),
        lambda w: {
            "username": "newgrid",
            "display_name": "新网格员",
            "password": "Xy7-long-passphrase",
            "role": "sector_officer",
            "region": w.county.pk,
            "sectors": [w.fire.pk],
        },
        lambda w: {
            "username": "newgrid",
            "display_name": "新网格员",
            "password": "Xy7-long-passphrase",
            "role": "sector_officer",
            "region": w.county.pk,
            "sectors": [],
        },
        "user.create",
        User,
    ),
    Write(
        "inspection create api",
        "enterprise11",
        "api",
        lambda w: reverse("api:inspection-list"),
        lambda w: {
            "site": w.site11_mine.pk,
            "kind": "self_inspection",
            "inspected_on": str(TODAY),
            "inspectors": "安全员",
            "result": "no_hazard",
            "items": [{"item": "消防器材", "result": "ok"}],
        },
        lambda w: {
            "site": w.site11_mine.pk,
            "kind": "key_inspection",
            "inspected_on": str(TODAY),
            "inspectors": "安全员",
            "result": "no_hazard",
        },
        "inspection.record",
        Inspection,
    ),
    Write(
        "hazard report api",
        "grid11",
        "api",
        lambda w: reverse("api:hazard-list"),
        lambda w: {"site": w.site11_mall.pk, "category": "thing", "description": "灭火器过期"},
        lambda w: {"site": w.site11_mall.pk, "category": "thing", "description": ""},
        "hazard.report",
        Hazard,
    ),
    Write(
        "hazard assign api",
        "township1",
        "api",
        lambda w: reverse("api:hazard-assign", args=[w.hazards["g11"].pk]),
        lambda w: {
            "grade": "general",
            "responsible_org": w.org_t1.pk,
            "responsible_person": "王",
            "deadline": str(TOMORROW),
        },
        lambda w: {
            "grade": "general",
            "responsible_org": w.org_t1.pk,
            "responsible_person": "王",
            "deadline": "2001-01-01",
        },
        "hazard.assign",
        Hazard,
    ),
    Write(
        "hazard escalate api",
        "township1",
        "api",
        lambda w: reverse("api:hazard-escalate", args=[w.hazards["g11"].pk]),
        lambda w: {"reason": "乡镇无法协调"},
        lambda w: {"reason": "  "},
        "hazard.escalate",
        Hazard,
    ),
    Write(
        "user patch api",
        "secadmin",
        "api",
        lambda w: reverse("api:user-detail", args=[w.users["grid11"].pk]),
        lambda w: {"is_active": False},
        lambda w: {"is_active": "也许"},
        "user.update",
        User,
        "patch",
    ),
]


WRITES += PUBLICITY_WRITES + PEOPLE_WRITES
# Modules that keep their audited writes in tests/contracts/writes_<app>.py (exporting WRITES).
for _app in ("dispatch", "emergency", "support", "reports", "imports", "exports", "bulletin", "screen"):
    if importlib.util.find_spec(f"{__package__}.writes_{_app}") is not None:
        WRITES += importlib.import_module(f"{__package__}.writes_{_app}").WRITES


def _rows(model):
    return sorted(json.dumps(r, default=str, sort_keys=True) for r in model.objects.values())


def _send(client, write: Write, payload: dict):
    url = write.url_resolved
    if write.method == "get":
        return client.get(url, payload)
    if write.kind == "page":
        return client.post(url, payload)
    return getattr(client, write.method)(url, payload, content_type="application/json")


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_good_write_leaves_exactly_one_audit_record(world, client, write):
    user = world.users[write.user]
    client.force_login(user)
    write.url_resolved = write.url(world)
    before = AuditEntry.objects.count()
    response = _send(client, write, write.good(world))
    assert response.status_code in {200, 201, 302}, response.content.decode()[:2000]
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.actor_id, e.actor_username) for e in entries] == [
        (write.action, user.pk, user.username)
    ]
    assert entries[0].request_id != ""
    assert entries[0].ip == "127.0.0.1"
    assert unmasked(entries[0].changes) == []


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
def test_bad_write_is_refused_in_chinese_and_changes_nothing(world, client, write):
    client.force_login(world.users[write.user])
    write.url_resolved = write.url(world)
    before_audit = AuditEntry.objects.count()
    before_rows = _rows(write.model)
    response = _send(client, write, write.bad(world))
    assert response.status_code in {400, 404}, response.content.decode()[:2000]
    assert AuditEntry.objects.count() == before_audit
    assert _rows(write.model) == before_rows
    body = response.content.decode()
    if response.status_code == 400:
        # The message is Chinese: at least one CJK character in the error text.
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body)


def test_token_login_and_revoke_are_audited(world, client):
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("api:token_login"),
        {"username": "GRID11", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["username"] == "grid11"
    revoke = client.post(reverse("api:token_logout"), HTTP_AUTHORIZATION=f"Token {token}")
    assert revoke.status_code == 204
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["login.success", "auth.token_issue", "auth.token_revoke"]


def test_wrong_password_gives_no_token_and_one_failed_login_record(world, client):
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("api:token_login"),
        {"username": "grid11", "password": "wrong-password-1"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid_credentials", "detail": "用户名或密码错误。"},
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "result")[before:])
    assert actions == [("login.failed", "failure")]


# ---- L2: each event type's record is complete (SECURITY.md L1/L2) ------------------------------


def _seed_audit_row(w):
    """One audit row for the auditor's query to match (the world is built without any)."""
    with transaction.atomic():
        audit_record(actor=w.users["secadmin"], action="seed", object_type="core.auditentry", object_id="1")


# Audited events that are not writes: a request for an object outside the actor's scope (404, one
# "scope.denied" record with result "denied") and the auditor's own view of the trail.
EVENTS = [
    Write(
        "scope denial page",
        "township1",
        "page",
        lambda w: reverse("hazards:hazard_detail", args=[w.hazards["g21"].pk]),
        lambda w: {},
        lambda w: {},
        "scope.denied",
        Hazard,
        method="get",
        status=(404,),
        result="denied",
    ),
    Write(
        "audit query page",
        "auditor",
        "page",
        lambda w: reverse("core:audit_list"),
        lambda w: {"action": "seed"},
        lambda w: {},
        "audit.query",
        AuditEntry,
        method="get",
        setup=_seed_audit_row,
    ),
]

DEVICE = "SafeGrid-contract/1.0 (audit completeness)"
# One write (or other event) per event type: the first of the catalogue with that action.
EVENT_TYPES: dict[str, Write] = {}
for _write in WRITES + EVENTS:
    EVENT_TYPES.setdefault(_write.action, _write)
_ID_LIKE = re.compile(r"(?<!\d)\d{17}[0-9Xx](?![0-9Xx])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def incomplete(entry: AuditEntry, user, action: str, result: str = "success") -> list[str]:
    """The L2 fields an audit record lacks (empty when complete)."""
    roles = ",".join(sorted({g.role for g in user.grants}))
    checks = {
        "aware time": timezone.is_aware(entry.occurred_at)
        and abs((timezone.now() - entry.occurred_at).total_seconds()) < 600,
        "user": (entry.actor_id, entry.actor_username) == (user.pk, user.username),
        "role": bool(roles) and entry.actor_roles == roles,
        "ip": entry.ip == "127.0.0.1",
        "device": entry.device == DEVICE,
        "request id": re.fullmatch(r"[0-9a-f]{32}", entry.request_id) is not None,
        "event": entry.action == action,
        "object type": _model_exists(entry.object_type),
        "object id": entry.object_id != "",
        "result": entry.result == result,
        "masked changes": isinstance(entry.changes, dict) and unmasked(entry.changes) == [],
        "chained": len(entry.digest) == 64 and len(entry.prev_digest) == 64,
    }
    return [name for name, ok in checks.items() if not ok]


def unmasked(changes) -> list[str]:
    """Full ID numbers (checksum-valid) and mobile numbers in an audit record's changes."""
    text = json.dumps(changes, ensure_ascii=False, default=str)
    return [m for m in _ID_LIKE.findall(text) if id_number_valid(m)] + _MOBILE.findall(text)


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


@pytest.mark.parametrize("write", list(EVENT_TYPES.values()), ids=lambda w: w.action)
def test_each_event_type_emits_exactly_one_complete_record(world, client, write, figure):
    label = "event types emitting exactly one complete record"
    figure("Audit", label, event_types=1)
    user = world.users[write.user]
    client.force_login(user)
    client.defaults["HTTP_USER_AGENT"] = DEVICE
    write.url_resolved = write.url(world)
    if write.setup is not None:
        write.setup(world)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = _send(client, write, write.good(world))
    assert response.status_code in write.status, response.content.decode()[:2000]
    entries = list(AuditEntry.objects.filter(id__gt=before).order_by("id"))
    assert len(entries) == 1
    assert incomplete(entries[0], user, write.action, write.result) == []
    assert verify_chain().ok
    figure("Audit", label, complete=1)


# ---- L1: scope denials -----------------------------------------------------------------------------


def _audit_since(last_id: int) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(id__gt=last_id)
        .order_by("id")
        .values_list("action", "result", "object_type", "object_id", "actor_id")
    )


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


_CSRF_TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


def _same_answer(response) -> tuple:
    """What a caller can see of a 404: status, body and headers; the request id and the CSRF token
    (masked afresh for every response) differ by design."""
    headers = {k: v for k, v in response.headers.items() if k != "X-Request-ID"}
    return response.status_code, _CSRF_TOKEN.sub(rb"\1-", response.content), headers


def test_an_out_of_scope_request_answers_like_a_missing_one_and_only_it_is_recorded(world, client):
    """Page and API: out of scope, missing and malformed ids get the same 404 (body and headers);
    only the existing object outside the scope leaves a record, one per request."""
    user = world.users["township1"]
    client.force_login(user)
    hidden = world.hazards["g21"]
    missing = Hazard.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    cases = {
        "page": lambda pk: client.get(reverse("hazards:hazard_detail", args=[pk])),
        "api": lambda pk: client.get(reverse("api:hazard-detail", kwargs={"pk": pk})),
    }
    for channel, get in cases.items():
        get(missing)  # the CSRF cookie is set by the first page: compare the answers after that
        last_id = _last_audit_id()
        out_of_scope = get(hidden.pk)
        assert _audit_since(last_id) == [
            ("scope.denied", "denied", "hazards.hazard", str(hidden.pk), user.pk)
        ]
        last_id = _last_audit_id()
        absent = get(missing)
        assert _audit_since(last_id) == []
        assert out_of_scope.status_code == 404, channel
        assert _same_answer(out_of_scope) == _same_answer(absent), channel
    last_id = _last_audit_id()
    for malformed in ("abc", "9" * 30, "-1"):
        response = client.get(f"/api/v1/hazards/{malformed}/")
        assert _same_answer(response) == _same_answer(cases["api"](missing)), malformed
    assert _audit_since(last_id) == []


def test_a_denied_api_read_is_one_complete_record(world, client):
    user = world.users["township1"]
    client.force_login(user)
    client.defaults["HTTP_USER_AGENT"] = DEVICE
    last_id = _last_audit_id()
    response = client.get(reverse("api:site-detail", kwargs={"pk": world.site21_mine.pk}))
    assert (response.status_code, response.json()) == (404, {"code": "not_found", "detail": "未找到。"})
    entries = list(AuditEntry.objects.filter(id__gt=last_id))
    assert [(e.object_type, e.object_id) for e in entries] == [("sites.site", str(world.site21_mine.pk))]
    assert incomplete(entries[0], user, "scope.denied", "denied") == []
    assert entries[0].changes == {}


def test_a_signed_out_request_or_a_caught_refusal_records_nothing(world, client):
    """Anonymous requests are sent to sign in (no denial to record); a page that only asks whether
    the actor may edit a row it shows (and answers 200) records nothing."""
    last_id = _last_audit_id()
    assert client.get(reverse("hazards:hazard_detail", args=[world.hazards["g21"].pk])).status_code == 302
    client.force_login(world.users["leader"])  # sees the site, may not edit it
    assert client.get(reverse("sites:site_detail", args=[world.site21_mine.pk])).status_code == 200
    assert _audit_since(last_id) == []


@pytest.mark.django_db(transaction=True)
def test_the_denial_record_is_committed_although_the_patch_is_rolled_back(world, client):
    """The PATCH looks the row up inside its transaction, which the 404 rolls back; the denial is
    written after the answer in its own transaction, and is really stored (no test transaction)."""
    user = world.users["township1"]
    client.force_login(user)
    last_id = _last_audit_id()
    response = client.patch(
        reverse("api:site-detail", kwargs={"pk": world.site21_mine.pk}),
        {"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Site.objects.get(pk=world.site21_mine.pk).name == "扬眉钨矿"
    assert _audit_since(last_id) == [
        ("scope.denied", "denied", "sites.site", str(world.site21_mine.pk), user.pk)
    ]
    assert verify_chain().ok


def test_another_users_job_is_a_recorded_denial_on_the_pages_and_the_api(world, client):
    """Background jobs are looked up outside the scoped selectors (owner only); they are covered too."""
    from safegrid.jobs.models import Job

    job = Job.objects.create(owner=world.users["office"], kind="export", title="导出：隐患")
    user = world.users["township1"]
    client.force_login(user)
    last_id = _last_audit_id()
    for url in (
        reverse("jobs:job_detail", args=[job.pk]),
        reverse("jobs:download", args=[job.pk]),
        reverse("api:job-detail", args=[job.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert _audit_since(last_id) == [("scope.denied", "denied", "jobs.job", str(job.pk), user.pk)] * 3


# ---- L1: the auditor's own queries -----------------------------------------------------------------


def _queries_since(last_id: int) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(id__gt=last_id)
        .order_by("id")
        .values_list("action", "actor_id", "object_type", "object_id", "changes")
    )


def test_each_view_of_the_audit_trail_is_one_record_with_filters_and_count(world, client):
    auditor = world.users["auditor"]
    _seed_audit_row(world)
    seed = _last_audit_id()
    client.force_login(auditor)
    url = reverse("core:audit_list")
    first = client.get(url, {"action": "seed", "page": "1"})
    second = client.get(url, {"action": "seed"})
    assert (first.status_code, second.status_code) == (200, 200)
    assert "共 1 条" in first.content.decode() and "共 1 条" in second.content.decode()
    query = (
        "audit.query",
        auditor.pk,
        "core.auditentry",
        f"{seed}-{seed}",
        {"filters": {"action": "seed"}, "count": 1},
    )
    assert _queries_since(seed) == [query, query]


def test_the_page_shows_exactly_the_rows_counted_not_its_own_record(world, client):
    client.force_login(world.users["auditor"])
    last_id = _last_audit_id()
    page = client.get(reverse("core:audit_list"), HTTP_HX_REQUEST="true")  # the table partial
    assert page.status_code == 200
    entries = _queries_since(last_id)
    assert [(action, changes) for action, _actor, _type, _id, changes in entries] == [
        ("audit.query", {"filters": {}, "count": last_id})
    ]
    assert f"共 {last_id} 条" in page.content.decode()


def test_the_filters_of_a_query_are_masked_like_every_record(world, client):
    client.force_login(world.users["auditor"])
    last_id = _last_audit_id()
    response = client.get(
        reverse("core:audit_list"), {"actor_username": "13812345678", "object_type": "11010519491231002X"}
    )
    assert response.status_code == 200
    (entry,) = AuditEntry.objects.filter(id__gt=last_id)
    assert entry.changes == {
        "filters": {"actor_username": "138****5678", "object_type": "110***********002X"},
        "count": 0,
    }
    assert entry.object_id == ""
    assert unmasked(entry.changes) == []


def test_an_invalid_filter_is_recorded_with_no_rows(world, client):
    _seed_audit_row(world)
    client.force_login(world.users["auditor"])
    last_id = _last_audit_id()
    assert client.get(reverse("core:audit_list"), {"since": "not-a-date"}).status_code == 200
    assert [c for *_rest, c in _queries_since(last_id)] == [{"filters": {"since": "not-a-date"}, "count": 0}]


def test_an_export_of_the_audit_trail_is_a_query_too(world, client):
    _seed_audit_row(world)
    client.force_login(world.users["auditor"])
    last_id = _last_audit_id()
    response = client.get(reverse("core:audit_list"), {"format": "xlsx", "result": "success"})
    assert response.status_code == 200
    assert [(a, c) for a, _u, _t, _i, c in _queries_since(last_id)] == [
        ("audit.query", {"filters": {"result": "success"}, "count": 1}),
        ("list.export", {}),
    ]


def test_others_may_not_query_the_trail_and_leave_no_query_record(world, client):
    last_id = _last_audit_id()
    for key in ("office", "secadmin", "sysadmin"):
        client.force_login(world.users[key])
        assert client.get(reverse("core:audit_list")).status_code == 403
    assert _queries_since(last_id) == []
