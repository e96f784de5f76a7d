"""Writes for inspections (检查记录)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from .choices import InspectionKind, InspectionResult, ItemResult
from .models import Checklist, ChecklistItem, Criterion, Inspection, Instrument


def _clean_items(items: Any) -> list[dict]:
    """Checked items as [{"item": text, "result": ok|issue|na, "note": text}] (free text until the
    checklist library arrives)."""
    if items in (None, ""):
        return []
    if isinstance(items, str):
        items = [
            {"item": line.strip(), "result": ItemResult.OK, "note": ""}
            for line in items.splitlines()
            if line.strip()
        ]
    if not isinstance(items, list) or len(items) > 200:
        raise ValidationError({"items": _("检查项目格式不正确（最多 200 项）。")})
    cleaned = []
    for entry in items:
        if not isinstance(entry, dict) or not str(entry.get("item", "")).strip():
            raise ValidationError({"items": _("每个检查项目都需要填写内容。")})
        result = entry.get("result", ItemResult.OK)
        if result not in ItemResult.values:
            raise ValidationError({"items": _("检查项目结果只能是：符合、存在问题、不适用。")})
        text, note = str(entry["item"]).strip(), str(entry.get("note", "")).strip()
        if len(text) > 200 or len(note) > 500:
            raise ValidationError({"items": _("检查项目不超过 200 字，说明不超过 500 字。")})
        cleaned.append({"item": text, "result": result, "note": note})
    return cleaned


@transaction.atomic
def inspection_record(
    *,
    actor,
    site: Site,
    kind: str,
    inspected_on: datetime.date,
    inspectors: str,
    result: str,
    items: Any = None,
    summary: str = "",
    organisation: Organisation | None = None,
    checklist: Checklist | None = None,
) -> Inspection:
    """Record an inspection of a site in the actor's scope. Enterprise staff record self-inspections
    (自查) only; no inspection is dated in the future. With a checklist (active, general or of the
    site's sector) and no items given, the items are the checklist's, each marked 符合."""
    if not Site.objects.visible_to(actor, Cap.ADD_INSPECTION).filter(pk=site.pk).exists():
        raise NotInScope(_("未找到。"))
    site_only = all(g.site_id is not None for g in actor.grants if Cap.ADD_INSPECTION in g.capabilities)
    if site_only and kind != InspectionKind.SELF_INSPECTION:
        raise ValidationError({"kind": _("企业只能录入自查记录。")})
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("检查日期不能晚于今天。")})
    if result not in InspectionResult.values:
        raise ValidationError({"result": _("检查结论无效。")})
    if checklist is not None:
        if not checklist.active:
            raise ValidationError({"checklist": _("该检查表已停用。")})
        if checklist.sector_code and checklist.sector_code != site.sector.code:
            raise ValidationError({"checklist": _("该检查表不适用于此场所的行业领域。")})
        if not items:
            items = [
                {"item": entry.text, "result": ItemResult.OK, "note": ""}
                for entry in checklist.items.order_by("order", "id")
            ]
    inspection = Inspection(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        kind=kind,
        inspected_on=inspected_on,
        inspectors=(inspectors or "").strip(),
        checklist=checklist,
        items=_clean_items(items),
        result=result,
        summary=summary,
        organisation=organisation,
        recorded_by=actor,
    )
    inspection.full_clean()
    inspection.save()
    audit_record(
        actor=actor,
        action="inspection.record",
        obj=inspection,
        changes={
            "site": [None, site.pk],
            "kind": [None, kind],
            "result": [None, result],
            "checklist": [None, checklist.pk if checklist else None],
        },
    )
    return inspection


@transaction.atomic
def criteria_import(*, actor, rows: list) -> dict[str, int]:
    """Create or update instruments (by name) and their criteria (by article and item) from rows
    already validated by `importing.criteria_read`, in one transaction with one audit record.
    Rows not in the file are left as they are (superseding is an explicit edit in the admin)."""
    created = updated = 0
    instruments: dict[str, Instrument] = {}
    for order, row in enumerate(rows, 1):
        instrument = instruments.get(row.instrument)
        if instrument is None:
            instrument, _new = Instrument.objects.update_or_create(
                name=row.instrument,
                defaults={
                    "number": row.number,
                    "sector_codes": row.sector_codes,
                    "effective_from": row.effective_from,
                },
            )
            instruments[row.instrument] = instrument
        criterion, new = Criterion.objects.update_or_create(
            instrument=instrument,
            article=row.article,
            item=row.item,
            defaults={
                "text": row.text,
                "is_major": row.is_major,
                "effective_from": row.effective_from,
                "sort_order": order,
            },
        )
        criterion.full_clean()
        created += int(new)
        updated += int(not new)
    audit_record(
        actor=actor,
        action="criteria.import",
        object_type="inspections.criterion",
        object_repr=_("导入判定标准 %(count)d 条") % {"count": len(rows)},
        changes={
            "instruments": [None, sorted(instruments)],
            "created": [None, created],
            "updated": [None, updated],
        },
    )
    return {"created": created, "updated": updated, "instruments": len(instruments)}


@transaction.atomic
def checklist_import(*, actor, rows: list) -> dict[str, int]:
    """Create checklists (by name) or replace the items of existing ones from rows already validated
    by `importing.checklist_read`, in one transaction with one audit record. Inspections keep the
    items they were recorded with (copied at the time)."""
    created = replaced = 0
    checklists: dict[str, Checklist] = {}
    for row in rows:
        if row.checklist in checklists:
            continue
        checklist, new = Checklist.objects.get_or_create(
            name=row.checklist, defaults={"sector_code": row.sector_code}
        )
        if not new:
            checklist.sector_code = row.sector_code
            checklist.save(update_fields=["sector_code", "updated_at"])
            checklist.items.all().delete()
        checklist.full_clean()
        checklists[row.checklist] = checklist
        created += int(new)
        replaced += int(not new)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklists[row.checklist],
            order=row.order,
            text=row.text,
            criterion_id=row.criterion_id,
        )
        for row in sorted(rows, key=lambda r: (r.checklist, r.order))
    )
    audit_record(
        actor=actor,
        action="checklist.import",
        object_type="inspections.checklist",
        object_repr=_("导入检查表 %(count)d 项") % {"count": len(rows)},
        changes={
            "checklists": [None, sorted(checklists)],
            "created": [None, created],
            "replaced": [None, replaced],
            "items": [None, len(rows)],
        },
    )
    return {"created": created, "replaced": replaced, "items": len(rows)}
