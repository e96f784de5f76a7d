from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from safegrid.hazards.services import hazard_report
from safegrid.inspections.services import inspection_record


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Every test stores its files in its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_files(media_root):
    """Files under MEDIA_ROOT (anywhere, not only where they belong), relative paths, sorted."""

    def collect() -> list[str]:
        if not media_root.exists():
            return []
        return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())

    return collect


@pytest.fixture
def hazard(world):
    return hazard_report(
        actor=world.users["grid11"], site=world.site11_mine, description="巷道支护不到位", category="thing"
    )


@pytest.fixture
def mall_hazard(world):
    """A hazard in the fire sector (invisible to the mining sector officer)."""
    return hazard_report(
        actor=world.users["grid11"], site=world.site11_mall, description="消防通道堵塞", category="thing"
    )


@pytest.fixture
def inspection(world):
    return inspection_record(
        actor=world.users["grid11"],
        site=world.site11_mine,
        kind="daily_patrol",
        inspected_on=timezone.localdate(),
        inspectors="张三",
        result="no_hazard",
    )
