"""Personal data never leaves the server unmasked: for every role, every page, API response and
export it can reach — lists, details, edit and create forms, the import pages and their error
reports, the inbox, the audit log — contains no ID number and no phone number of any person in the
register (SECURITY.md: masked on output everywhere; D3, recorded as the "PII" figure). Every model field
named like personal data is on an allowlist with its reason (D5)."""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safegrid.accounts.models import User
from safegrid.people.importing import people_template
from safegrid.people.masking import mask_id_number, mask_phone
from safegrid.people.models import Person
from safegrid.people.tests.world import seed_people
from safegrid.support.models import Expert

from .registry import RESOURCES
from .test_scope_contract import ROLES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_LINK = re.compile(r'href="data:' + re.escape(XLSX) + r';base64,([A-Za-z0-9+/=]+)"')
EXTRA_ROUTES = [
    "reports:home",
    "notifications:inbox",
    "core:audit_list",
    "core:audit_list?format=xlsx",
    "api:me",
    "accounts:profile",
    "people:person_import",
    "people:certificate_import",
    "people:person_import_template",
    "people:certificate_import_template",
    "api:training-person-times",
    "reports:risk_matrix_export",
    "sites:site_import",
    "sites:site_import_template",
    "hazards:hazard_import",
    "hazards:hazard_import_template",
]


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    book.close()
    return "\n".join(cells)


def _text(response) -> str:
    """Everything a response shows: its text, and the cells of any workbook in it or linked from it."""
    if response.get("Content-Type", "").startswith(XLSX):
        return _workbook_text(response.getvalue())  # list exports are streamed (FileResponse)
    body = response.content.decode()
    for encoded in DATA_LINK.findall(body):
        body += "\n" + _workbook_text(base64.b64decode(encoded))
    return body


def _give_accounts_phones(world) -> None:
    """Every account of the world gets a mobile number, so the scan covers accounts' phones too."""
    for serial, user in enumerate(world.users.values()):
        user.phone = f"1390000{serial:04d}"
        user.save(update_fields=["phone"])


def _secrets() -> dict[str, str]:
    """Every ID number and phone stored: the register's people, the expert pool and the accounts."""
    values = {}
    for user in User.objects.exclude(phone=""):
        values[user.phone] = user.username
    for person in Person.objects.all():
        for raw in (person.id_number, person.phone):
            if raw:
                values[raw] = person.name
    for expert in Expert.objects.exclude(phone=""):
        values[expert.phone] = expert.name
    return values


def _bad_import_file(world) -> SimpleUploadedFile:
    """A people workbook whose rows repeat registered ID numbers and phones (so the error report has
    every reason to quote them)."""
    book = load_workbook(io.BytesIO(people_template()))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for i, person in enumerate(Person.objects.order_by("pk")[:3], start=2):
        row = dict.fromkeys(headers, "")
        for h in headers:
            key = h.rstrip("*")
            if key == "姓名":
                row[h] = person.name
            elif key == "身份证号":
                row[h] = person.id_number
            elif key == "手机号码":
                row[h] = person.phone + "0"  # one digit too many: quoted back in the error?
            elif key == "人员来源":
                row[h] = "无此来源"
        for col, h in enumerate(headers, start=1):
            sheet.cell(row=i, column=col, value=row[h])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("people.xlsx", out.getvalue(), content_type=XLSX)


def _route_url(route: str) -> str:
    """A route name, optionally with a query string ("core:audit_list?format=xlsx")."""
    name, _, query = route.partition("?")
    return reverse(name) + (f"?{query}" if query else "")


def _urls(world) -> list[str]:
    urls = [_route_url(route) for route in EXTRA_ROUTES]
    for r in RESOURCES:
        objects = r.objects(world)
        urls += [
            reverse(r.list_page),
            reverse(r.list_page) + "?format=xlsx",  # the list's Excel export (every row)
            reverse(r.create_page),
            reverse(f"api:{r.api}-list") + "?page_size=200",
        ]
        for obj in objects:
            urls += [
                reverse(r.detail_page, kwargs={"pk": obj.pk}),
                reverse(f"api:{r.api}-detail", kwargs={"pk": obj.pk}),
            ]
            if r.edit_page:
                urls.append(reverse(r.edit_page, kwargs={"pk": obj.pk}))
    return urls


@pytest.mark.parametrize("user_key", ROLES)
def test_no_unmasked_id_number_or_phone_reaches_any_role(world, client, user_key, figure):
    urls = _urls(world)  # seeds every resource's rows
    _give_accounts_phones(world)
    secrets = _secrets()
    # Both kinds of personal data are in the scan: people's ID numbers and phones, experts' phones.
    assert {p.id_number for p in Person.objects.all()} <= set(secrets)
    assert set(Expert.objects.exclude(phone="").values_list("phone", flat=True)) <= set(secrets)
    assert Person.objects.exists() and Expert.objects.exclude(phone="").exists()
    assert {u.phone for u in world.users.values()} <= set(secrets)
    client.force_login(world.users[user_key])
    seen = 0
    leaks = []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            continue
        seen += 1
        text = _text(response)
        leaks += [f"{url} → {name}: {raw}" for raw, name in secrets.items() if raw in text]
    imported = client.post(reverse("people:person_import"), {"file": _bad_import_file(world)})
    assert imported.status_code in {400, 403}
    if imported.status_code == 400:
        text = _text(imported)
        assert "错误说明" in text  # the decoded error report really is part of the scan
        seen += 1
        leaks += [f"import report → {name}: {raw}" for raw, name in secrets.items() if raw in text]
    # SECURITY.md "PII" figure (D3): what was scanned and what was found, as measured here.
    figure("PII", "responses and exports × roles scanned", responses=seen, roles=1, unmasked=len(leaks))
    assert leaks == []
    assert seen > 0


def test_the_scan_would_see_a_leak(world, client):
    """Control: the masked values are what the detail page shows, and an unmasked value in a page
    would be found by the scan (so the test above cannot pass vacuously)."""
    people = seed_people(world)
    person = people.persons["g11_worker"]
    client.force_login(world.users["office"])
    page = client.get(reverse("people:person_detail", kwargs={"pk": person.pk}))
    text = _text(page)
    assert mask_id_number(person.id_number) in text and mask_phone(person.phone) in text
    assert person.id_number not in text and person.phone not in text
    exported = _text(client.get(reverse("people:person_list"), {"format": "xlsx"}))
    assert mask_id_number(person.id_number) in exported and mask_phone(person.phone) in exported
    assert person.id_number not in exported and person.phone not in exported
    book = Workbook()
    book.active["A1"] = person.id_number
    out = io.BytesIO()
    book.save(out)
    leaked_page = f'<a href="data:{XLSX};base64,{base64.b64encode(out.getvalue()).decode()}">x</a>'
    assert person.id_number in _text(HttpResponse(leaked_page))


# ---- D5: minimal collection — every personal-data-like field is accounted for ----------------------

# A field name that looks like personal data: identity documents, phones, e-mail, addresses, birth
# dates, messaging accounts, IP addresses.
PII_LIKE = re.compile(
    r"id_?number|id_?card|id_no|identity|passport|birth"
    r"|(^|_)(phone|mobile|tel|telephone|email|e_?mail|address|addr|wechat|qq|ip)(_|$)"
)
ENCRYPTED = "encrypted"  # SM4-GCM at rest, masked on output, unmasked one record at a time (audited)
BLIND_INDEX = "blind index"  # keyed HMAC-SM3 digest of an encrypted field, for equality search only
NOT_PERSONAL = "not personal"  # a unit's data, not a natural person's
REQUIRED = "required"  # personal, but required by law and shown only to the role that needs it
# (app label, model, field) → (kind, why).
PII_FIELDS = {
    ("people", "Person", "id_number"): (ENCRYPTED, "身份证号: EncryptedTextField, masked 360***********1234"),
    ("people", "Person", "id_number_bidx"): (BLIND_INDEX, "uniqueness and the import's holder lookup"),
    ("people", "Person", "phone"): (ENCRYPTED, "手机号码: EncryptedTextField, masked 138****5678"),
    ("people", "Person", "phone_bidx"): (BLIND_INDEX, "equality search on a phone"),
    ("support", "Expert", "phone"): (ENCRYPTED, "专家联系电话: EncryptedTextField, masked"),
    ("support", "Expert", "phone_bidx"): (BLIND_INDEX, "equality search on an expert's phone"),
    ("orgs", "Organisation", "address"): (NOT_PERSONAL, "the premises of a unit"),
    ("orgs", "Organisation", "contact_phone"): (NOT_PERSONAL, "a unit's published work contact line"),
    ("sites", "Site", "address"): (NOT_PERSONAL, "the premises of an enterprise or venue"),
    ("sites", "Site", "contact_phone"): (NOT_PERSONAL, "the site's safety contact line (work number)"),
    ("core", "AuditEntry", "ip"): (
        REQUIRED,
        "安全审计 b: who acted from where; read by the audit administrator only",
    ),
    ("accounts", "User", "phone"): (ENCRYPTED, "login account's phone: EncryptedTextField, masked"),
    ("accounts", "User", "phone_bidx"): (BLIND_INDEX, "one phone, one active account (deploy check A4)"),
    ("accounts", "User", "email"): (
        REQUIRED,
        "login account's work e-mail: optional, shown only to those who manage accounts",
    ),
}


def _pii_like_fields() -> set[tuple[str, str, str]]:
    from django.apps import apps

    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("safegrid."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if getattr(field, "concrete", False) and PII_LIKE.search(field.name.lower()):
                    found.add((model._meta.app_label, model.__name__, field.name))
    return found


def test_every_personal_data_field_is_on_the_allowlist_with_its_reason(figure):
    """SECURITY.md D5: a new field named like personal data fails here until it is listed, with the
    reason it is kept and how it is protected."""
    from django.apps import apps

    from safegrid.core.fields import BlindIndexField, EncryptedTextField

    found = _pii_like_fields()
    unlisted = sorted(found - set(PII_FIELDS))
    figure("PII", "personal-data-like model fields (D5)", fields=len(found), unlisted=len(unlisted))
    assert unlisted == []
    assert sorted(set(PII_FIELDS) - found) == []  # no stale entries
    # what the allowlist says is true of the field
    for (app_label, model_name, name), (kind, why) in PII_FIELDS.items():
        field = apps.get_model(app_label, model_name)._meta.get_field(name)
        assert why
        if kind == ENCRYPTED:
            assert isinstance(field, EncryptedTextField), name
        elif kind == BLIND_INDEX:
            assert isinstance(field, BlindIndexField), name
        else:
            assert not isinstance(field, EncryptedTextField | BlindIndexField), name


def test_the_allowlist_guard_sees_personal_data_names():
    names = ["id_number", "idcard", "mobile", "home_address", "contact_phone", "email", "ip", "birth_date"]
    assert [n for n in names if PII_LIKE.search(n)] == names
    assert [
        n for n in ["site_id", "description", "type", "tip_off", "hotel", "shipment"] if PII_LIKE.search(n)
    ] == []
