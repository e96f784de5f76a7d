"""Enforcement rows for the shared test world (conftest.build_world): numbering rules for the two
county offices, and at four sites (G11, G12, G21 in county A; G31 in county B) a draft, an issued
责令限期整改指令书, an issued 行政处罚决定书 and a fine recorded against it.

Written through the model layer (fast, no audit), like the world itself; the numbers, counters and
seals are what `document_issue` would have produced. Used by the scope contract's registry and by
this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from safegrid.enforcement.choices import DocumentStatus, DocumentType, PenaltyType
from safegrid.enforcement.models import DocumentSequence, EnforcementDocument, NumberingRule, Penalty
from safegrid.enforcement.seals import document_seal

ISSUED_ON = datetime.date(2026, 1, 10)


def make_draft(w, *, site, organisation, author, doc_type=DocumentType.RECTIFICATION_ORDER, **extra):
    hazards = extra.pop("hazards", ())
    document = EnforcementDocument.objects.create(
        doc_type=doc_type,
        organisation=organisation,
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        party=site.name,
        findings=extra.pop("findings", f"{site.name}配电箱未接地"),
        requirements=extra.pop("requirements", "限期整改"),
        deadline=extra.pop("deadline", ISSUED_ON + datetime.timedelta(days=30)),
        created_by=author,
        **extra,
    )
    document.hazards.set(hazards)
    return document


def issue_row(document: EnforcementDocument, *, issued_on=ISSUED_ON) -> EnforcementDocument:
    """Number, seal and freeze a draft directly (what the service does, without checks or audit)."""
    rule = NumberingRule.objects.get(organisation_id=document.organisation_id)
    counter, _created = DocumentSequence.objects.get_or_create(
        organisation_id=document.organisation_id, doc_type=document.doc_type, year=issued_on.year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    document.status = DocumentStatus.ISSUED
    document.year = issued_on.year
    document.sequence = counter.last_value
    document.number = rule.format(document.doc_type, issued_on.year, counter.last_value)
    document.issued_on = issued_on
    document.issued_by = document.created_by
    document.seal = document_seal(document)
    document.save()
    return document


def seed_enforcement(w) -> SimpleNamespace:
    existing = getattr(w, "enforcement", None)
    if existing is not None:
        return existing
    e = SimpleNamespace(documents={}, penalties={})
    e.rule_a = NumberingRule.objects.create(organisation=w.org_office, county_abbr="崇", dept_prefix="应急")
    e.rule_b = NumberingRule.objects.create(organisation=w.org_b, county_abbr="安", dept_prefix="应急")
    for key, site, organisation, author in (
        ("g11", w.site11_mine, w.org_office, w.users["office"]),
        ("g12", w.site12_mine, w.org_office, w.users["office"]),
        ("g21", w.site21_hotel, w.org_office, w.users["office"]),
        ("g31", w.site31_mine, w.org_b, w.users["office_b"]),
    ):
        e.documents[f"{key}_draft"] = make_draft(w, site=site, organisation=organisation, author=author)
        e.documents[f"{key}_order"] = issue_row(
            make_draft(
                w,
                site=site,
                organisation=organisation,
                author=author,
                inspection=w.inspections[key],
                hazards=[w.hazards[key]],
            )
        )
        decision = issue_row(
            make_draft(
                w,
                site=site,
                organisation=organisation,
                author=author,
                doc_type=DocumentType.PENALTY_DECISION,
                deadline=None,
                legal_basis="《中华人民共和国安全生产法》第一百零二条",
            )
        )
        e.documents[f"{key}_decision"] = decision
        e.penalties[key] = Penalty.objects.create(
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            party=site.name,
            penalty_type=PenaltyType.FINE,
            amount=Decimal("10000.00"),
            legal_basis="《中华人民共和国安全生产法》第一百零二条",
            decision=decision,
            decided_on=ISSUED_ON,
            recorded_by=author,
        )
    w.enforcement = e
    return e
