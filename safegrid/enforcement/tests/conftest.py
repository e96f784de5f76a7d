from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safegrid.enforcement import services
from safegrid.enforcement.choices import DocumentType
from safegrid.enforcement.models import NumberingRule

from .world import seed_enforcement

TODAY = timezone.localdate()
IN_30_DAYS = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def rules(world) -> SimpleNamespace:
    """Numbering rules only (no documents yet): the county A office (崇 应急), the county A mining
    committee (崇 矿安) and the county B office (安 应急)."""
    return SimpleNamespace(
        office=NumberingRule.objects.create(
            organisation=world.org_office, county_abbr="崇", dept_prefix="应急"
        ),
        mining=NumberingRule.objects.create(
            organisation=world.org_mining_committee, county_abbr="崇", dept_prefix="矿安"
        ),
        office_b=NumberingRule.objects.create(organisation=world.org_b, county_abbr="安", dept_prefix="应急"),
    )


@pytest.fixture
def seeded(world) -> SimpleNamespace:
    """Rules plus drafts, issued documents and penalties at four sites (see world.py)."""
    return seed_enforcement(world)


@pytest.fixture
def draft(world):
    """Draft a document through the service: `draft(actor_key="office", **overrides)`."""

    def make(actor_key: str = "office", **overrides):
        data = {
            "doc_type": DocumentType.RECTIFICATION_ORDER,
            "organisation": world.org_office,
            "site": world.site11_mine,
            "findings": "配电箱未接地",
            "requirements": "限期完成接地整改",
            "legal_basis": "《中华人民共和国安全生产法》第四十一条",
            "deadline": IN_30_DAYS,
        }
        data.update(overrides)
        return services.document_create_draft(actor=world.users[actor_key], **data)

    return make
