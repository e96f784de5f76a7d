"""Writes for enforcement documents (执法文书) and penalties (行政处罚).

Each service checks the capability (403), then the scope of the site and of the issuing body (404),
validates, writes and appends exactly one audit record, all in one transaction. Documents are
drafted, edited while drafts, then issued: issuing assigns the number under a row lock on the
counter, stamps the seal and freezes the row. Corrections are new documents.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record, diff, snapshot
from safegrid.core.exceptions import ApplicationError, CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.scope import grants_for
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import (
    DEADLINE_REQUIRED,
    MONETARY_PENALTIES,
    NON_ISSUING_KINDS,
    DocumentStatus,
    DocumentType,
    PenaltyType,
)
from .models import DocumentSequence, EnforcementDocument, NumberingRule, Penalty
from .seals import document_seal, document_verify_seal

# What a draft edit may change (the site is fixed: a document for another site is a new draft).
DRAFT_EDITABLE = (
    "doc_type",
    "organisation",
    "party",
    "inspection",
    "hazards",
    "findings",
    "requirements",
    "legal_basis",
    "deadline",
)
_AUDITED = [f for f in DRAFT_EDITABLE if f != "hazards"]


# ---- checks shared by every write -------------------------------------------------------------


def _require_capability(actor) -> None:
    if not grants_for(actor, Cap.ISSUE_ENFORCEMENT):
        raise CapabilityDenied(_("您没有制作或签发执法文书的权限。"))


def _require_site(actor, site: Site) -> Site:
    if not Site.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT).filter(pk=site.pk).exists():
        raise NotInScope(_("未找到。"))
    return site


def _check_issuer(actor, organisation: Organisation, site: Site) -> None:
    """The issuing body is visible to the actor, is an enforcement body, and has jurisdiction over
    the site: the site lies in its region, and a sector body acts only in its own sector."""
    if not Organisation.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("签发单位不存在或不在您的管辖范围内。")})
    if organisation.kind in NON_ISSUING_KINDS or not organisation.is_active:
        raise ValidationError({"organisation": _("该单位不是执法主体，不能签发执法文书。")})
    if not site.region_path.startswith(organisation.region_path):
        raise ValidationError({"organisation": _("签发单位对该场所没有管辖权（场所不在其辖区内）。")})
    if organisation.sector_id is not None and organisation.sector_id != site.sector_id:
        raise ValidationError({"organisation": _("签发单位的行业领域与场所的行业领域不一致。")})


def _check_links(site: Site, inspection: Inspection | None, hazards: Iterable[Hazard]) -> None:
    if inspection is not None and inspection.site_id != site.pk:
        raise ValidationError({"inspection": _("检查记录与场所不一致。")})
    if any(h.site_id != site.pk for h in hazards):
        raise ValidationError({"hazards": _("所列隐患必须属于本场所。")})


def _check_deadline(deadline: datetime.date | None, *, on: datetime.date) -> None:
    if deadline is not None and deadline < on:
        raise ValidationError({"deadline": _("整改期限不能早于 %(date)s。") % {"date": on.isoformat()}})


def _locked_document(actor, document: EnforcementDocument) -> EnforcementDocument:
    """Re-read the document under a row lock, within the actor's issuing scope (404 outside)."""
    locked = (
        EnforcementDocument.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT)
        .select_for_update()
        .filter(pk=document.pk)
        .first()
    )
    if locked is None:
        raise NotInScope(_("未找到。"))
    return locked


def _refuse_if_issued(document: EnforcementDocument) -> None:
    if document.is_issued:
        raise TransitionNotAllowed(
            _("文书 %(number)s 已签发，不能修改；如需更正，请制作更正文书。") % {"number": document.number}
        )


# ---- documents --------------------------------------------------------------------------------


@transaction.atomic
def document_create_draft(
    *,
    actor,
    doc_type: str,
    organisation: Organisation,
    site: Site,
    party: str = "",
    inspection: Inspection | None = None,
    hazards: Iterable[Hazard] = (),
    findings: str = "",
    requirements: str = "",
    legal_basis: str = "",
    deadline: datetime.date | None = None,
    corrects: EnforcementDocument | None = None,
) -> EnforcementDocument:
    """Draft a document for a site in the actor's issuing scope, in the name of a body with
    jurisdiction over it. No number yet; the party defaults to the site's name."""
    _require_capability(actor)
    _require_site(actor, site)
    _check_issuer(actor, organisation, site)
    hazards = list(hazards)
    _check_links(site, inspection, hazards)
    if corrects is None:
        # A correction may copy a deadline that has passed; issuing it checks against its own date.
        _check_deadline(deadline, on=timezone.localdate())
    document = EnforcementDocument(
        doc_type=doc_type,
        organisation=organisation,
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        party=(party or "").strip() or site.name,
        inspection=inspection,
        findings=(findings or "").strip(),
        requirements=(requirements or "").strip(),
        legal_basis=(legal_basis or "").strip(),
        deadline=deadline,
        corrects=corrects,
        created_by=actor,
    )
    document.full_clean()
    document.save()
    document.hazards.set(hazards)
    audit_record(
        actor=actor,
        action="enforcement_document.correct" if corrects is not None else "enforcement_document.create",
        obj=document,
        changes={
            **diff({}, snapshot(document, ["doc_type", "organisation", "site", "inspection"])),
            "hazards": [None, sorted(h.pk for h in hazards)],
            **({"corrects": [None, corrects.pk]} if corrects is not None else {}),
        },
    )
    return document


@transaction.atomic
def document_update_draft(
    *, actor, document: EnforcementDocument, data: dict[str, Any]
) -> EnforcementDocument:
    """Change a draft. Issued documents are refused (TransitionNotAllowed, 409): they are corrected
    by a new document (`document_correct`)."""
    _require_capability(actor)
    unknown = set(data) - set(DRAFT_EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("该项不能修改。")))
    document = _locked_document(actor, document)
    _refuse_if_issued(document)
    before = snapshot(document, _AUDITED)
    hazards_before = sorted(document.hazards.values_list("pk", flat=True))
    for name in _AUDITED:
        if name in data:
            value = data[name]
            setattr(document, name, value.strip() if isinstance(value, str) else value)
    if "party" in data and not document.party:
        document.party = document.site.name
    hazards = list(data["hazards"]) if "hazards" in data else list(document.hazards.all())
    _check_issuer(actor, document.organisation, document.site)
    _check_links(document.site, document.inspection, hazards)
    if "deadline" in data:
        _check_deadline(document.deadline, on=timezone.localdate())
    document.full_clean()
    document.save(update_fields=[*_AUDITED, "updated_at"])
    changes = diff(before, snapshot(document, _AUDITED))
    if "hazards" in data:
        document.hazards.set(hazards)
        hazards_after = sorted(h.pk for h in hazards)
        if hazards_after != hazards_before:
            changes["hazards"] = [hazards_before, hazards_after]
    audit_record(actor=actor, action="enforcement_document.update", obj=document, changes=changes)
    return document


def _next_sequence(*, organisation: Organisation, doc_type: str, year: int) -> int:
    """Advance the counter of (body, type, year) and return the new value.

    The counter row is locked (SELECT … FOR UPDATE) until the caller's transaction ends, so
    concurrent issuers queue here and each sees the previous one's value; the document is written in
    the same transaction, so a failed issue rolls the counter back (no gap). The first issue of a
    year creates the row: `get_or_create` inserts in a savepoint and, if another transaction
    inserted it first (IntegrityError on the unique key), re-reads and locks that row instead."""
    counter, _created = DocumentSequence.objects.select_for_update().get_or_create(
        organisation=organisation, doc_type=doc_type, year=year, defaults={"last_value": 0}
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


@transaction.atomic
def document_issue(
    *, actor, document: EnforcementDocument, issued_on: datetime.date | None = None
) -> EnforcementDocument:
    """签发: give the draft its number (next in the issuing body's sequence for the type and the year
    of `issued_on`, default today), stamp the seal and freeze it. Refused for a document already
    issued (409), without a numbering rule for the body, or with content incomplete for its type."""
    _require_capability(actor)
    document = _locked_document(actor, document)
    if document.is_issued:
        raise TransitionNotAllowed(_("文书 %(number)s 已签发，不能重复签发。") % {"number": document.number})
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise ValidationError({"issued_on": _("签发日期不能晚于今天。")})
    _require_site(actor, document.site)
    _check_issuer(actor, document.organisation, document.site)
    if document.corrects_id is not None and issued_on < document.corrects.issued_on:
        raise ValidationError({"issued_on": _("更正文书的签发日期不能早于被更正的文书。")})
    errors: dict[str, str] = {}
    if not document.findings and not document.requirements:
        errors["findings"] = _("请填写检查情况或处理决定后再签发。")
    if document.doc_type in DEADLINE_REQUIRED and document.deadline is None:
        errors["deadline"] = _("%(type)s必须写明整改期限。") % {"type": document.get_doc_type_display()}
    if document.deadline is not None and document.deadline < issued_on:
        errors["deadline"] = _("整改期限不能早于签发日期。")
    if errors:
        raise ValidationError(errors)
    rule = NumberingRule.objects.filter(organisation_id=document.organisation_id).first()
    if rule is None:
        raise ApplicationError(
            _("签发单位“%(org)s”尚未设置文书编号规则，请联系系统管理员。") % {"org": document.organisation}
        )

    sequence = _next_sequence(
        organisation=document.organisation, doc_type=document.doc_type, year=issued_on.year
    )
    document.status = DocumentStatus.ISSUED
    document.year = issued_on.year
    document.sequence = sequence
    document.number = rule.format(document.doc_type, issued_on.year, sequence)
    document.issued_on = issued_on
    document.issued_by = actor
    document.full_clean(exclude=["seal"])
    document.seal = document_seal(document)
    fields = ["status", "year", "sequence", "number", "issued_on", "issued_by", "seal", "updated_at"]
    try:
        with transaction.atomic():
            document.save(update_fields=fields)
    except IntegrityError as exc:
        # Two bodies whose rules format the same text (full_clean checked the number, but another
        # transaction may have taken it since): refuse, the counter rolls back with us.
        raise ApplicationError(
            _("文书编号 %(number)s 已被使用，请检查编号规则。") % {"number": document.number}
        ) from exc
    if not document_verify_seal(document):  # pragma: no cover - a bug in canonicalisation
        raise RuntimeError("seal does not verify right after issue")
    audit_record(
        actor=actor,
        action="enforcement_document.issue",
        obj=document,
        changes={
            "status": [DocumentStatus.DRAFT, DocumentStatus.ISSUED],
            "number": [None, document.number],
            "issued_on": [None, issued_on.isoformat()],
        },
    )
    return document


@transaction.atomic
def document_correct(*, actor, document: EnforcementDocument, **changes: Any) -> EnforcementDocument:
    """更正: a new draft of the same type, body and site that copies the issued document, applies
    `changes` (any of findings, requirements, legal_basis, deadline, party, inspection, hazards) and
    references it through `corrects`. It gets its own number when issued; the original stays as it
    was. A draft is not corrected but edited (409)."""
    _require_capability(actor)
    allowed = set(DRAFT_EDITABLE) - {"doc_type", "organisation"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("更正文书不能修改该项。")))
    original = _locked_document(actor, document)
    if not original.is_issued:
        raise TransitionNotAllowed(_("草稿可直接修改，无需制作更正文书。"))
    content: dict[str, Any] = {
        "party": original.party,
        "inspection": original.inspection,
        "hazards": list(original.hazards.all()),
        "findings": original.findings,
        "requirements": original.requirements,
        "legal_basis": original.legal_basis,
        "deadline": original.deadline,
    }
    content.update(changes)
    return document_create_draft(
        actor=actor,
        doc_type=original.doc_type,
        organisation=original.organisation,
        site=original.site,
        corrects=original,
        **content,
    )


# ---- penalties --------------------------------------------------------------------------------


@transaction.atomic
def penalty_record(
    *,
    actor,
    site: Site,
    penalty_type: str,
    decision: EnforcementDocument,
    legal_basis: str,
    amount: Decimal | None = None,
    decided_on: datetime.date | None = None,
    party: str = "",
    inspection: Inspection | None = None,
    hazards: Iterable[Hazard] = (),
) -> Penalty:
    """Record a penalty imposed on a site by an issued 行政处罚决定书 of that site. A fine needs an
    amount above zero; only fines and confiscated gains carry an amount. `decided_on` defaults to
    the decision's date of issue."""
    _require_capability(actor)
    _require_site(actor, site)
    decision = (
        EnforcementDocument.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT)
        .filter(
            pk=decision.pk,
            doc_type=DocumentType.PENALTY_DECISION,
            status=DocumentStatus.ISSUED,
            site_id=site.pk,
        )
        .first()
    )
    if decision is None:
        raise ValidationError({"decision": _("处罚决定书必须是本场所已签发的行政处罚决定书。")})
    hazards = list(hazards)
    _check_links(site, inspection, hazards)
    if penalty_type == PenaltyType.FINE and (amount is None or amount <= 0):
        raise ValidationError({"amount": _("罚款必须填写大于 0 的金额。")})
    if amount is not None and penalty_type not in MONETARY_PENALTIES:
        raise ValidationError({"amount": _("只有罚款和没收违法所得填写金额。")})
    decided_on = decided_on or decision.issued_on
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("决定日期不能晚于今天。")})
    if decided_on < decision.issued_on:
        raise ValidationError({"decided_on": _("决定日期不能早于处罚决定书的签发日期。")})
    penalty = Penalty(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        party=(party or "").strip() or decision.party,
        penalty_type=penalty_type,
        amount=amount,
        legal_basis=(legal_basis or "").strip(),
        decision=decision,
        decided_on=decided_on,
        inspection=inspection,
        recorded_by=actor,
    )
    penalty.full_clean()
    penalty.save()
    penalty.hazards.set(hazards)
    audit_record(
        actor=actor,
        action="penalty.record",
        obj=penalty,
        changes={
            **diff({}, snapshot(penalty, ["site", "penalty_type", "amount", "decision", "decided_on"])),
            "hazards": [None, sorted(h.pk for h in hazards)],
        },
    )
    return penalty
