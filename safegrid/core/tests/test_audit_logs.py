"""Clean logs and audit rows (SECURITY.md L6; ASVS 7.1.1, 7.1.2, 7.3.1): over a run of
representative actions (sign-in, failed sign-in, hazard report, person registered with an ID number
and a mobile number) neither the captured log nor any audit row holds a full ID number, a mobile
number or a password used; and "\\r\\n" typed into an input cannot forge a log line."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from safegrid.core.logsafe import id_number_valid, neutralise
from safegrid.core.models import AuditEntry
from safegrid.people.tests.world import id_number, phone

ID_LIKE = re.compile(r"(?<!\d)\d{17}[0-9Xx](?![0-9Xx])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
WRONG_PASSWORD = "Wrong-Passw0rd-77"
# Audit columns that are random or keyed hex (request id, digests): digit runs there are not PII.
HEX_COLUMNS = {"request_id", "prev_digest", "digest"}


def hits(text: str, secrets: list[str]) -> list[str]:
    found = [m for m in ID_LIKE.findall(text) if id_number_valid(m)]
    found += MOBILE.findall(text)
    found += [s for s in secrets if s in text]
    return found


def test_the_scanner_finds_what_it_looks_for():
    sample = f"x {id_number(777)} y 13912345678 z {PASSWORD} 36072519850315077 12345678901"
    assert hits(sample, [PASSWORD]) == [id_number(777), "13912345678", PASSWORD]


def test_representative_actions_leave_no_id_number_phone_or_password(world, client, api, caplog):
    caplog.set_level(logging.DEBUG)
    person_id, person_phone = id_number(777), phone(777)

    # Sign-in: a wrong password for a real account, then the right one.
    client.post(reverse("accounts:login"), {"username": "grid11", "password": WRONG_PASSWORD})
    client.post(reverse("accounts:login"), {"username": "grid11", "password": PASSWORD})
    # A phone number typed as a user name.
    client.post(reverse("accounts:login"), {"username": person_phone, "password": WRONG_PASSWORD})
    # Hazard report (grid worker), person with ID number and mobile (county office).
    reported = api(world.users["grid11"]).post(
        reverse("api:hazard-list"),
        {
            "site": world.site11_mall.pk,
            "category": "thing",
            "description": "灭火器过期，联系人 " + person_phone,
        },
        format="json",
    )
    created = api(world.users["office"]).post(
        reverse("api:person-list"),
        {
            "name": "县办新人",
            "source": "sent_down",
            "employment": "full_time",
            "region": world.t2.pk,
            "id_number": person_id,
            "phone": person_phone,
        },
        format="json",
    )
    assert (reported.status_code, created.status_code) == (201, 201)
    # A logged message holding them (e.g. a library echoing input) is masked as well.
    logging.getLogger("safegrid.test").warning("收到 %s / %s", person_id, person_phone)

    log_text = caplog.text
    assert log_text.count("收到 360***********") == 1
    assert hits(log_text, [PASSWORD, WRONG_PASSWORD]) == []

    rows = list(AuditEntry.objects.values())
    assert {"hazard.report", "people.person_create"} <= {r["action"] for r in rows}
    audit_text = "\n".join(
        json.dumps({k: v for k, v in row.items() if k not in HEX_COLUMNS}, ensure_ascii=False, default=str)
        for row in rows
    )
    assert hits(audit_text, [PASSWORD, WRONG_PASSWORD]) == []


@pytest.mark.parametrize(
    "typed",
    [
        "\r\nERROR forged entry",
        "\nERROR forged entry",
        "\u2028ERROR forged entry",
        "\x1b[2KERROR forged entry",
    ],
    ids=["crlf", "lf", "line-separator", "ansi-escape"],
)
def test_line_breaks_typed_into_input_cannot_forge_a_log_line(db, client, caplog, typed):
    caplog.set_level(logging.DEBUG)
    # Django's request log echoes the path: "Not Found: /…".
    client.get("/no-such-page" + "".join(f"%{b:02X}" for b in typed.encode("utf-8")))
    logging.getLogger("safegrid.test").warning("用户名：%s", "grid11" + typed)
    lines = caplog.text.splitlines()
    assert [line for line in lines if line.lstrip().startswith(("ERROR forged", "[2KERROR forged"))] == []
    echoed = [r.getMessage() for r in caplog.records if "forged entry" in r.getMessage()]
    assert len(echoed) == 2
    assert all("\n" not in m and "\r" not in m and "\u2028" not in m and "\x1b" not in m for m in echoed)
    assert all(re.search(r"\\(r|n|u2028|x1b)", m) for m in echoed)


def test_neutralise_escapes_and_masks():
    assert neutralise("a\r\nb\tc") == "a\\r\\nb\tc"
    assert neutralise(f"id {id_number(5)} tel 13900000005 no 139000000051") == (
        f"id 360***********{id_number(5)[-4:]} tel 139****0005 no 139000000051"
    )
    # 18 digits that are not a valid ID number (wrong check character; a credit code) stay.
    assert neutralise("360725198503150010") == "360725198503150010"
    assert neutralise("913607250000009001") == "913607250000009001"


def test_audit_changes_are_stored_masked_whatever_the_service_passes(db):
    from django.db import transaction

    from safegrid.core.audit import audit_record

    with transaction.atomic():
        entry = audit_record(
            actor=None,
            action="test.pii",
            changes={"contact_phone": ["", "13800000000"], "note": [None, f"身份证 {id_number(8)}"], "n": 3},
        )
    stored = AuditEntry.objects.get(pk=entry.pk).changes
    assert stored == {
        "contact_phone": ["", "138****0000"],
        "note": [None, f"身份证 360***********{id_number(8)[-4:]}"],
        "n": 3,
    }
