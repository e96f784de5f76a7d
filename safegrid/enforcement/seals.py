"""Tamper evidence for issued documents (SECURITY.md D4): an HMAC-SM3 seal over the canonical
content, keyed with the integrity key of the audit trail (`core.crypto.key_for("audit")`,
SAFEGRID_AUDIT_KEY in production), stamped at issue. Seals stamped before SM3 (v1: HMAC-SHA256 keyed
with SECRET_KEY or one of SECRET_KEY_FALLBACKS) still verify; new seals are v2.

The database trigger stops edits made through the application's connection; the seal catches the
rest (an owner's raw SQL, a restored backup edited by hand). The seal covers the row id, so content
cannot be moved to another row either (penalties point at decisions by id).
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from safegrid.core.crypto import hmac_sm3, key_for

from .choices import DocumentStatus
from .models import EnforcementDocument

SEAL_SALT = "safegrid.enforcement.document-seal.v1"  # v1 seals (HMAC-SHA256), verified only
SEAL_V2_DOMAIN = b"safegrid.enforcement.document-seal.v2|"  # keeps the seal apart from audit digests
# Every column that is part of what was issued (attnames). Changing this list invalidates existing
# seals: add a new version of SEAL_SALT and keep verifying the old one instead.
SEALED_FIELDS = (
    "id",
    "number",
    "doc_type",
    "status",
    "organisation_id",
    "site_id",
    "region_path",
    "sector_id",
    "party",
    "inspection_id",
    "findings",
    "requirements",
    "legal_basis",
    "deadline",
    "corrects_id",
    "issued_on",
    "issued_by_id",
    "year",
    "sequence",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def canonical_content(values: dict[str, Any], hazard_ids: list[int]) -> str:
    """The exact text the seal signs: sorted-key compact JSON of the sealed fields and hazard ids."""
    content = {name: _plain(values[name]) for name in SEALED_FIELDS}
    content["hazard_ids"] = sorted(int(pk) for pk in hazard_ids)
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _hmac_v1(content: str, secret: str) -> str:
    return salted_hmac(SEAL_SALT, content, secret=secret, algorithm="sha256").hexdigest()


def _hmac_v2(content: str) -> str:
    return hmac_sm3(key_for("audit"), SEAL_V2_DOMAIN + content.encode()).hex()


def _stored_hazard_ids(pk: int) -> list[int]:
    through = EnforcementDocument.hazards.through
    return list(through.objects.filter(enforcementdocument_id=pk).values_list("hazard_id", flat=True))


def document_seal(document: EnforcementDocument) -> str:
    """The seal of the document as it is in memory (its hazards as stored). Used at issue."""
    values = {name: getattr(document, name) for name in SEALED_FIELDS}
    return _hmac_v2(canonical_content(values, _stored_hazard_ids(document.pk)))


def _valid(row: dict[str, Any], hazard_ids: list[int]) -> bool:
    if not row["seal"]:
        return False
    content = canonical_content(row, hazard_ids)
    if constant_time_compare(_hmac_v2(content), row["seal"]):
        return True
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_hmac_v1(content, secret), row["seal"]) for secret in secrets)


def document_verify_seal(document: EnforcementDocument) -> bool:
    """True when the stored row (re-read from the database, not the instance in memory) still matches
    its seal. Drafts have no seal and never verify. A v2 seal is keyed with the audit key, so rotating
    SECRET_KEY does not touch it; a v1 seal verifies with SECRET_KEY or one of SECRET_KEY_FALLBACKS."""
    row = EnforcementDocument.objects.filter(pk=document.pk).values(*SEALED_FIELDS, "seal").first()
    return row is not None and _valid(row, _stored_hazard_ids(document.pk))


def broken_seals(*, batch_size: int = 500) -> Iterator[tuple[int, str]]:
    """(id, number) of every issued document whose stored content no longer matches its seal, in
    id order; reads in batches (two queries per batch)."""
    through = EnforcementDocument.hazards.through
    issued = EnforcementDocument.objects.filter(status=DocumentStatus.ISSUED).order_by("id")
    last_id = 0
    while True:
        rows = list(issued.filter(id__gt=last_id).values(*SEALED_FIELDS, "seal")[:batch_size])
        if not rows:
            return
        hazard_ids: dict[int, list[int]] = defaultdict(list)
        links = through.objects.filter(enforcementdocument_id__in=[r["id"] for r in rows])
        for doc_id, hazard_id in links.values_list("enforcementdocument_id", "hazard_id"):
            hazard_ids[doc_id].append(hazard_id)
        for row in rows:
            if not _valid(row, hazard_ids[row["id"]]):
                yield row["id"], row["number"]
        last_id = rows[-1]["id"]
