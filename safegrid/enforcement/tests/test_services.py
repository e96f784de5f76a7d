"""Services for documents and penalties: drafts, edits, issue (immutable, sealed), corrections,
capability and scope refusals; exactly one audit record per write and none on a refusal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.models import AuditEntry
from safegrid.enforcement import selectors, services
from safegrid.enforcement.choices import DocumentType, PenaltyType
from safegrid.enforcement.models import EnforcementDocument, Penalty
from safegrid.enforcement.seals import document_verify_seal

from .conftest import IN_30_DAYS, TODAY

MARCH = datetime.date(2026, 3, 2)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the immutability trigger exists on PostgreSQL only"
)


def _rows(model):
    return sorted(map(repr, model.objects.order_by("pk").values()))


def _audits_since(before: int) -> list[tuple[str, str]]:
    return [(e.action, e.object_id) for e in AuditEntry.objects.order_by("id")[before:]]


@pytest.fixture
def refused(world):
    """Assert that a call is refused with `error` and leaves no row changed and no audit record."""

    def check(call, error, *, models=(EnforcementDocument, Penalty)):
        before_rows = [_rows(m) for m in models]
        before_audit = AuditEntry.objects.count()
        with pytest.raises(error) as exc:
            call()
        assert [_rows(m) for m in models] == before_rows
        assert AuditEntry.objects.count() == before_audit
        return exc.value

    return check


# ---- drafts -----------------------------------------------------------------------------------


def test_draft_copies_scope_keys_and_party_from_the_site_and_is_audited_once(world, rules, draft):
    before = AuditEntry.objects.count()
    document = draft(inspection=world.inspections["g11"], hazards=[world.hazards["g11"]])
    assert (document.region_path, document.sector_id, document.party) == (
        world.site11_mine.region_path,
        world.mining.pk,
        "横水钨矿",
    )
    assert list(document.hazards.all()) == [world.hazards["g11"]]
    [entry] = AuditEntry.objects.order_by("id")[before:]
    assert (entry.action, entry.actor, entry.object_id) == (
        "enforcement_document.create",
        world.users["office"],
        str(document.pk),
    )
    assert entry.changes["hazards"] == [None, [world.hazards["g11"].pk]]


def test_draft_edits_are_allowed_and_audited_with_the_diff(world, rules, draft):
    document = draft()
    before = AuditEntry.objects.count()
    services.document_update_draft(
        actor=world.users["sector_mining"],
        document=document,
        data={"findings": "配电箱未接地，且无漏电保护", "hazards": [world.hazards["g11"]]},
    )
    stored = EnforcementDocument.objects.get(pk=document.pk)
    assert stored.findings == "配电箱未接地，且无漏电保护"
    assert list(stored.hazards.all()) == [world.hazards["g11"]]
    [entry] = AuditEntry.objects.order_by("id")[before:]
    assert entry.action == "enforcement_document.update"
    assert entry.changes == {
        "findings": ["配电箱未接地", "配电箱未接地，且无漏电保护"],
        "hazards": [[], [world.hazards["g11"].pk]],
    }


def test_a_draft_cannot_link_hazards_or_inspections_of_another_site(world, rules, draft, refused):
    error = refused(lambda: draft(hazards=[world.hazards["g12"]]), ValidationError)
    assert error.message_dict == {"hazards": ["所列隐患必须属于本场所。"]}
    error = refused(lambda: draft(inspection=world.inspections["g12"]), ValidationError)
    assert error.message_dict == {"inspection": ["检查记录与场所不一致。"]}


@pytest.mark.parametrize(
    ("organisation", "message"),
    [
        ("org_g11", "该单位不是执法主体，不能签发执法文书。"),
        ("org_t2", "签发单位对该场所没有管辖权（场所不在其辖区内）。"),
        ("org_fire_committee", "签发单位的行业领域与场所的行业领域不一致。"),
        ("org_b", "签发单位不存在或不在您的管辖范围内。"),
    ],
)
def test_the_issuing_body_must_have_jurisdiction(world, rules, draft, refused, organisation, message):
    error = refused(lambda: draft(organisation=getattr(world, organisation)), ValidationError)
    assert error.message_dict == {"organisation": [message]}


def test_a_sector_officer_drafts_only_in_own_sector(world, rules, draft, refused):
    refused(
        lambda: draft("sector_mining", organisation=world.org_mining_committee, site=world.site11_mall),
        NotInScope,
    )


# ---- capability and scope ---------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["township1", "township2", "leader", "grid11", "enterprise11", "expert"])
def test_roles_without_the_issue_capability_are_refused_everything(world, seeded, refused, user_key):
    actor = world.users[user_key]
    document = seeded.documents["g11_draft"]
    issued = seeded.documents["g11_order"]
    for call in (
        lambda: services.document_create_draft(
            actor=actor,
            doc_type=DocumentType.INSPECTION_RECORD,
            organisation=world.org_office,
            site=world.site11_mine,
        ),
        lambda: services.document_update_draft(actor=actor, document=document, data={"findings": "x"}),
        lambda: services.document_issue(actor=actor, document=document),
        lambda: services.document_correct(actor=actor, document=issued, findings="x"),
        lambda: services.penalty_record(
            actor=actor,
            site=world.site11_mine,
            penalty_type=PenaltyType.WARNING,
            decision=seeded.documents["g11_decision"],
            legal_basis="x",
        ),
    ):
        error = refused(call, CapabilityDenied)
        assert error.message == "您没有制作或签发执法文书的权限。"


def test_another_county_cannot_draft_edit_issue_or_correct_for_hengshui_sites(world, seeded, refused):
    actor = world.users["office_b"]
    document = seeded.documents["g11_draft"]
    refused(
        lambda: services.document_create_draft(
            actor=actor,
            doc_type=DocumentType.INSPECTION_RECORD,
            organisation=world.org_b,
            site=world.site11_mine,
        ),
        NotInScope,
    )
    refused(lambda: services.document_update_draft(actor=actor, document=document, data={}), NotInScope)
    refused(lambda: services.document_issue(actor=actor, document=document), NotInScope)
    refused(
        lambda: services.document_correct(actor=actor, document=seeded.documents["g11_order"]), NotInScope
    )


def test_selectors_scope_reads(world, seeded):
    def numbers(user_key):
        return {str(d) for d in selectors.document_list(actor=world.users[user_key])}

    docs = seeded.documents
    assert numbers("township2") == {str(docs[f"g21_{k}"]) for k in ("draft", "order", "decision")}
    assert numbers("office_b") == {str(docs[f"g31_{k}"]) for k in ("draft", "order", "decision")}
    # A site's own staff see what was issued to them, not the drafts.
    assert numbers("enterprise11") == {str(docs["g11_order"]), str(docs["g11_decision"])}
    assert numbers("grid11") == set()
    with pytest.raises(NotInScope):
        selectors.document_get(actor=world.users["township2"], pk=docs["g11_order"].pk)
    with pytest.raises(NotInScope):
        selectors.document_get(actor=world.users["enterprise11"], pk=docs["g11_draft"].pk)
    assert {p.pk for p in selectors.penalty_list(actor=world.users["township1"])} == {
        seeded.penalties["g11"].pk,
        seeded.penalties["g12"].pk,
    }


# ---- issue and immutability -------------------------------------------------------------------


def test_issue_is_audited_once_with_the_number(world, rules, draft):
    document = draft()
    before = AuditEntry.objects.count()
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    [entry] = AuditEntry.objects.order_by("id")[before:]
    assert (entry.action, entry.object_repr) == ("enforcement_document.issue", "（崇）应急责改〔2026〕1号")
    assert entry.changes == {
        "status": ["draft", "issued"],
        "number": [None, "（崇）应急责改〔2026〕1号"],
        "issued_on": [None, "2026-03-02"],
    }


def test_an_issued_document_cannot_be_edited(world, rules, draft, refused):
    document = draft()
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    error = refused(
        lambda: services.document_update_draft(
            actor=world.users["office"], document=document, data={"findings": "改过的事实"}
        ),
        TransitionNotAllowed,
    )
    assert error.message == "文书 （崇）应急责改〔2026〕1号 已签发，不能修改；如需更正，请制作更正文书。"


def test_an_issued_document_cannot_be_issued_again(world, rules, draft, refused):
    document = draft()
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    error = refused(
        lambda: services.document_issue(actor=world.users["office"], document=document), TransitionNotAllowed
    )
    assert error.message == "文书 （崇）应急责改〔2026〕1号 已签发，不能重复签发。"


@pytest.mark.parametrize(
    ("overrides", "issued_on", "errors"),
    [
        ({"deadline": None}, MARCH, {"deadline": ["责令限期整改指令书必须写明整改期限。"]}),
        ({"findings": "", "requirements": ""}, MARCH, {"findings": ["请填写检查情况或处理决定后再签发。"]}),
        ({}, TODAY + datetime.timedelta(days=1), {"issued_on": ["签发日期不能晚于今天。"]}),
    ],
)
def test_incomplete_documents_are_not_issued(world, rules, draft, refused, overrides, issued_on, errors):
    document = draft(**overrides)
    error = refused(
        lambda: services.document_issue(actor=world.users["office"], document=document, issued_on=issued_on),
        ValidationError,
    )
    assert error.message_dict == errors


def test_the_seal_verifies_after_issue_and_detects_a_raw_sql_edit(world, rules, draft):
    document = draft(hazards=[world.hazards["g11"]])
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    assert document_verify_seal(document) is True
    _as_owner_bypassing_the_trigger(
        "UPDATE enforcement_enforcementdocument SET findings = %s WHERE id = %s", ["无问题", document.pk]
    )
    assert document_verify_seal(document) is False


def test_the_seal_detects_a_hazard_link_removed_by_raw_sql(world, rules, draft):
    document = draft(hazards=[world.hazards["g11"]])
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    _as_owner_bypassing_the_trigger(
        "DELETE FROM enforcement_enforcementdocument_hazards WHERE enforcementdocument_id = %s", [document.pk]
    )
    assert document_verify_seal(document) is False


AUDIT_KEY = "5a" * 32


def test_the_seal_is_hmac_sm3_with_the_audit_key(world, rules, draft):
    from safegrid.core.crypto import hmac_sm3
    from safegrid.enforcement.seals import SEAL_V2_DOMAIN, SEALED_FIELDS, canonical_content

    with override_settings(SAFEGRID_AUDIT_KEY=AUDIT_KEY):
        document = services.document_issue(actor=world.users["office"], document=draft(), issued_on=MARCH)
        row = EnforcementDocument.objects.filter(pk=document.pk).values(*SEALED_FIELDS, "seal").get()
        content = canonical_content(row, [])
        assert row["seal"] == hmac_sm3(bytes.fromhex(AUDIT_KEY), SEAL_V2_DOMAIN + content.encode()).hex()
        # Rotating SECRET_KEY does not touch a seal keyed with the audit key …
        with override_settings(SECRET_KEY="rotated-" + "k" * 50, SECRET_KEY_FALLBACKS=[]):
            assert document_verify_seal(document) is True
    # … another audit key does not verify it.
    with override_settings(SAFEGRID_AUDIT_KEY="a5" * 32):
        assert document_verify_seal(document) is False


def test_a_seal_stamped_before_sm3_still_verifies_through_the_key_rotation(world, rules, draft):
    from django.utils.crypto import salted_hmac

    from safegrid.enforcement.seals import SEAL_SALT, SEALED_FIELDS, canonical_content

    document = services.document_issue(actor=world.users["office"], document=draft(), issued_on=MARCH)
    row = EnforcementDocument.objects.filter(pk=document.pk).values(*SEALED_FIELDS).get()
    old_key = django_settings.SECRET_KEY
    v1 = salted_hmac(SEAL_SALT, canonical_content(row, []), secret=old_key, algorithm="sha256").hexdigest()
    _as_owner_bypassing_the_trigger(
        "UPDATE enforcement_enforcementdocument SET seal = %s WHERE id = %s", [v1, document.pk]
    )
    assert document_verify_seal(document) is True
    with override_settings(SECRET_KEY="rotated-" + "k" * 50, SECRET_KEY_FALLBACKS=[old_key]):
        assert document_verify_seal(document) is True
    with override_settings(SECRET_KEY="rotated-" + "k" * 50, SECRET_KEY_FALLBACKS=[]):
        assert document_verify_seal(document) is False


def test_drafts_have_no_seal(world, rules, draft):
    assert document_verify_seal(draft()) is False


def test_verify_seals_command_lists_tampered_documents(world, seeded, capsys):
    call_command("verify_seals")
    assert capsys.readouterr().out == "全部已签发文书校验通过。\n"
    tampered = seeded.documents["g12_order"]
    _as_owner_bypassing_the_trigger(
        "UPDATE enforcement_enforcementdocument SET deadline = %s WHERE id = %s", ["2027-01-01", tampered.pk]
    )
    with pytest.raises(CommandError, match=r"^1 份已签发文书的内容与校验码不符。$"):
        call_command("verify_seals")
    assert capsys.readouterr().out == f"校验未通过：#{tampered.pk} {tampered.number}\n"


def _as_owner_bypassing_the_trigger(sql: str, params: list) -> None:
    """What the application cannot do and a database superuser can: switch the guard triggers off
    (PostgreSQL, replica mode) and edit the row. Runs in the test's transaction, so it rolls back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET session_replication_role")


@ON_POSTGRESQL
def test_the_database_refuses_to_change_or_delete_an_issued_row(world, rules, draft):
    document = draft(hazards=[world.hazards["g11"]])
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    attempts = [
        lambda: EnforcementDocument.objects.filter(pk=document.pk).update(findings="无问题"),
        lambda: EnforcementDocument.objects.filter(pk=document.pk).update(number="（崇）应急责改〔2026〕9号"),
        lambda: EnforcementDocument.objects.filter(pk=document.pk).update(status="draft"),
        lambda: EnforcementDocument.objects.filter(pk=document.pk).delete(),
        lambda: document.hazards.add(world.hazards["g12"]),
        lambda: document.hazards.clear(),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="已签发的执法文书"), transaction.atomic():
            attempt()
    assert document_verify_seal(document) is True


@ON_POSTGRESQL
def test_the_database_allows_draft_edits_and_timestamp_touches(world, rules, draft):
    document = draft()
    EnforcementDocument.objects.filter(pk=document.pk).update(findings="草稿可以改")
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    EnforcementDocument.objects.filter(pk=document.pk).update(updated_at=document.updated_at)
    assert document_verify_seal(document) is True


# ---- corrections ------------------------------------------------------------------------------


def test_a_correction_is_a_new_draft_referencing_the_issued_document(world, rules, draft):
    original = draft(hazards=[world.hazards["g11"]], inspection=world.inspections["g11"])
    services.document_issue(actor=world.users["office"], document=original, issued_on=MARCH)
    before = AuditEntry.objects.count()
    correction = services.document_correct(
        actor=world.users["sector_mining"], document=original, findings="配电箱未接地（更正：二号配电箱）"
    )
    assert (correction.status, correction.number, correction.corrects) == ("draft", None, original)
    assert (correction.doc_type, correction.organisation, correction.site, correction.inspection) == (
        original.doc_type,
        original.organisation,
        original.site,
        original.inspection,
    )
    assert list(correction.hazards.all()) == [world.hazards["g11"]]
    assert (correction.requirements, correction.deadline) == (original.requirements, original.deadline)
    assert _audits_since(before) == [("enforcement_document.correct", str(correction.pk))]
    # The original is untouched and still verifies; the correction takes the next number.
    assert EnforcementDocument.objects.get(pk=original.pk).findings == "配电箱未接地"
    assert document_verify_seal(original) is True
    issued = services.document_issue(actor=world.users["sector_mining"], document=correction, issued_on=MARCH)
    assert issued.number == "（崇）应急责改〔2026〕2号"
    assert list(original.corrections.all()) == [correction]


def test_a_draft_is_edited_not_corrected(world, rules, draft, refused):
    document = draft()
    error = refused(
        lambda: services.document_correct(actor=world.users["office"], document=document),
        TransitionNotAllowed,
    )
    assert error.message == "草稿可直接修改，无需制作更正文书。"


def test_a_correction_cannot_change_type_body_or_site(world, seeded, refused):
    error = refused(
        lambda: services.document_correct(
            actor=world.users["office"], document=seeded.documents["g11_order"], doc_type="penalty_decision"
        ),
        ValidationError,
    )
    assert error.message_dict == {"doc_type": ["更正文书不能修改该项。"]}


# ---- penalties --------------------------------------------------------------------------------


def _penalty(world, seeded, **overrides):
    data = {
        "site": world.site11_mine,
        "penalty_type": PenaltyType.FINE,
        "amount": Decimal("20000.00"),
        "decision": seeded.documents["g11_decision"],
        "legal_basis": "《中华人民共和国安全生产法》第九十七条",
    }
    data.update(overrides)
    return services.penalty_record(actor=world.users["office"], **data)


def test_a_penalty_is_recorded_against_an_issued_decision_and_audited_once(world, seeded):
    before = AuditEntry.objects.count()
    penalty = _penalty(world, seeded, hazards=[world.hazards["g11"]])
    assert (penalty.party, penalty.decided_on, penalty.status, penalty.region_path) == (
        "横水钨矿",
        seeded.documents["g11_decision"].issued_on,
        "recorded",
        world.site11_mine.region_path,
    )
    assert _audits_since(before) == [("penalty.record", str(penalty.pk))]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"amount": None}, {"amount": ["罚款必须填写大于 0 的金额。"]}),
        ({"amount": Decimal("0")}, {"amount": ["罚款必须填写大于 0 的金额。"]}),
        ({"penalty_type": PenaltyType.WARNING}, {"amount": ["只有罚款和没收违法所得填写金额。"]}),
        ({"decided_on": TODAY + datetime.timedelta(days=1)}, {"decided_on": ["决定日期不能晚于今天。"]}),
    ],
)
def test_penalty_amount_rules(world, seeded, refused, overrides, errors):
    error = refused(lambda: _penalty(world, seeded, **overrides), ValidationError)
    assert error.message_dict == errors


def test_confiscation_may_carry_an_amount_and_a_warning_none(world, seeded):
    assert _penalty(world, seeded, penalty_type=PenaltyType.CONFISCATION, amount=Decimal("0")).amount == 0
    assert _penalty(world, seeded, penalty_type=PenaltyType.WARNING, amount=None).amount is None


@pytest.mark.parametrize("decision", ["g11_draft_decision", "g11_order", "g12_decision"])
def test_the_decision_must_be_an_issued_penalty_decision_of_the_same_site(
    world, seeded, draft, refused, decision
):
    if decision == "g11_draft_decision":
        document = draft(doc_type=DocumentType.PENALTY_DECISION, deadline=None)
    else:
        document = seeded.documents[decision]
    error = refused(lambda: _penalty(world, seeded, decision=document), ValidationError)
    assert error.message_dict == {"decision": ["处罚决定书必须是本场所已签发的行政处罚决定书。"]}


def test_the_database_refuses_a_fine_without_amount(world, seeded):
    decision = seeded.documents["g11_decision"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Penalty.objects.create(
            site=world.site11_mine,
            region_path=world.site11_mine.region_path,
            sector_id=world.mining.pk,
            party="x",
            penalty_type=PenaltyType.FINE,
            amount=None,
            legal_basis="x",
            decision=decision,
            decided_on=decision.issued_on,
            recorded_by=world.users["office"],
        )


def test_deadline_in_the_past_is_refused_for_a_new_draft(world, rules, draft, refused):
    error = refused(lambda: draft(deadline=TODAY - datetime.timedelta(days=1)), ValidationError)
    assert error.message_dict == {"deadline": [f"整改期限不能早于 {TODAY.isoformat()}。"]}
    assert draft(deadline=IN_30_DAYS).deadline == IN_30_DAYS
