"""Document numbers (DOMAIN.md §4): `（{county_abbr}）{dept_prefix}{doc_code}〔{year}〕{seq}号`, assigned
at issue, one sequence per issuing body, document type and year."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import ApplicationError
from safegrid.core.models import AuditEntry
from safegrid.enforcement import services
from safegrid.enforcement.choices import DOC_CODES, DocumentType
from safegrid.enforcement.models import DocumentSequence, EnforcementDocument, NumberingRule

MARCH = datetime.date(2026, 3, 2)


def issue(world, document, *, actor_key="office", on=MARCH):
    return services.document_issue(actor=world.users[actor_key], document=document, issued_on=on).number


def test_first_and_second_numbers_of_a_body_type_and_year(world, rules, draft):
    assert issue(world, draft()) == "（崇）应急责改〔2026〕1号"
    assert issue(world, draft()) == "（崇）应急责改〔2026〕2号"


def test_drafts_have_no_number_until_issued(world, rules, draft):
    document = draft()
    assert (document.number, document.sequence, document.status) == (None, None, "draft")
    assert DocumentSequence.objects.count() == 0


def test_each_document_type_has_its_own_sequence_and_code(world, rules, draft):
    assert issue(world, draft()) == "（崇）应急责改〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.INSPECTION_RECORD)) == "（崇）应急检记〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.PENALTY_DECISION)) == "（崇）应急罚〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.PENALTY_NOTICE)) == "（崇）应急罚告〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.RECHECK_OPINION)) == "（崇）应急复查〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.ON_SITE_MEASURES)) == "（崇）应急现决〔2026〕1号"
    assert issue(world, draft(doc_type=DocumentType.COMPULSORY_MEASURES)) == "（崇）应急强措〔2026〕1号"
    assert issue(world, draft()) == "（崇）应急责改〔2026〕2号"


def test_each_issuing_body_has_its_own_sequence(world, rules, draft):
    assert issue(world, draft()) == "（崇）应急责改〔2026〕1号"
    by_committee = draft("sector_mining", organisation=world.org_mining_committee)
    assert issue(world, by_committee, actor_key="sector_mining") == "（崇）矿安责改〔2026〕1号"
    county_b = draft("office_b", organisation=world.org_b, site=world.site31_mine)
    assert issue(world, county_b, actor_key="office_b") == "（安）应急责改〔2026〕1号"
    assert issue(world, draft()) == "（崇）应急责改〔2026〕2号"


def test_each_year_has_its_own_sequence_taken_from_the_issue_date(world, rules, draft):
    assert issue(world, draft(), on=datetime.date(2025, 12, 31)) == "（崇）应急责改〔2025〕1号"
    assert issue(world, draft(), on=datetime.date(2026, 1, 1)) == "（崇）应急责改〔2026〕1号"
    assert issue(world, draft(), on=datetime.date(2025, 12, 30)) == "（崇）应急责改〔2025〕2号"
    counters = DocumentSequence.objects.order_by("year").values_list("year", "last_value")
    assert list(counters) == [(2025, 2), (2026, 1)]


def test_issued_document_records_its_year_and_sequence(world, rules, draft):
    document = draft()
    services.document_issue(actor=world.users["office"], document=document, issued_on=MARCH)
    stored = EnforcementDocument.objects.get(pk=document.pk)
    assert (stored.status, stored.year, stored.sequence, stored.issued_on, stored.issued_by) == (
        "issued",
        2026,
        1,
        MARCH,
        world.users["office"],
    )


def test_pattern_and_codes_are_configurable_per_body(world, rules, draft):
    rules.office.pattern = "{county_abbr}{dept_prefix}{doc_code}〔{year}〕{seq:03d}号"
    rules.office.code_overrides = {DocumentType.COMPULSORY_MEASURES: "强制"}
    rules.office.full_clean()
    rules.office.save()
    assert issue(world, draft()) == "崇应急责改〔2026〕001号"
    assert issue(world, draft(doc_type=DocumentType.COMPULSORY_MEASURES)) == "崇应急强制〔2026〕001号"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            "（{county_abbr}）{dept_prefix}{doc_code}〔{year}〕号",
            "编号格式必须包含 {doc_code}、{year} 和 {seq}。",
        ),
        (
            "{seq.__class__}{doc_code}{year}",
            "编号格式只能使用 {county_abbr} {dept_prefix} {doc_code} {year} {seq}。",
        ),
        (
            "{doc_code}{year}{seq}{secret}",
            "编号格式只能使用 {county_abbr} {dept_prefix} {doc_code} {year} {seq}。",
        ),
        ("{doc_code}{year}{seq:q}", "编号格式无效。"),
        ("{doc_code}{year}{seq", "编号格式只能使用 {county_abbr} {dept_prefix} {doc_code} {year} {seq}。"),
    ],
)
def test_a_pattern_must_use_only_the_known_placeholders(world, pattern, message):
    rule = NumberingRule(organisation=world.org_office, county_abbr="崇", dept_prefix="应急", pattern=pattern)
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert exc.value.message_dict["pattern"] == [message]


def test_two_bodies_cannot_share_abbreviation_and_prefix(world, rules):
    twin = NumberingRule(organisation=world.org_t1, county_abbr="崇", dept_prefix="应急")
    with pytest.raises(ValidationError) as exc:
        twin.full_clean()
    assert exc.value.messages == ["已有单位使用相同的县（区）简称和部门代字，文书编号会重复。"]


def test_every_document_type_has_a_code():
    assert set(DOC_CODES) == set(DocumentType.values)


def test_issuing_without_a_numbering_rule_is_refused_and_takes_no_number(world, rules, draft):
    document = draft("sector_mining", organisation=world.org_mining_committee)
    rules.mining.delete()
    before = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.document_issue(actor=world.users["sector_mining"], document=document, issued_on=MARCH)
    assert exc.value.message == "签发单位“崇义县矿山安全生产委员会”尚未设置文书编号规则，请联系系统管理员。"
    assert EnforcementDocument.objects.get(pk=document.pk).number is None
    assert DocumentSequence.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_a_refused_issue_leaves_no_gap(world, rules, draft):
    """The counter advances in the issuing transaction: a refusal after it rolls it back."""
    incomplete = draft(deadline=None)
    with pytest.raises(ValidationError):
        services.document_issue(actor=world.users["office"], document=incomplete, issued_on=MARCH)
    assert issue(world, draft()) == "（崇）应急责改〔2026〕1号"
