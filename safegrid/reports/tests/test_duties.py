"""明晰职责 (pillar 3): the duty figures of statistics.figures against counts written here over the raw
tables, for a county user and township users; the bulletin's paragraph holds them; a role that may not
see organisations gets None and no such paragraph; the dashboard shows only those a list reproduces."""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.orgs.choices import GridDutyRole, OrganisationKind, RegionKind
from safegrid.orgs.models import GridDuty, Organisation, Region
from safegrid.reports import statistics
from safegrid.reports.bulletin import cn_date, pillar_sections

from .oracle import DUTY_FIGURES, seed_everything

WIDE = {"period": "custom", "date_from": "2025-01-01", "date_to": "2026-12-31"}
PERIOD = (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
COMMITTEES = (OrganisationKind.COUNTY_COMMITTEE, OrganisationKind.SECTOR_COMMITTEE)


@pytest.fixture
def seeded(world):
    """The statistics world, plus rows each duty figure must tell apart: a second active grid worker
    in G11 (the grid counts once), an inactive one in G12 (G12 stays unstaffed), one in county B's
    grid (never county A's), the county committee, a disbanded (inactive) township body, and a grid
    chief's duty list in G11."""
    seed_everything(world)
    make_user("grid11b", Role.GRID_WORKER, world.g11)
    gone = make_user("grid12_gone", Role.GRID_WORKER, world.g12)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    make_user("grid31", Role.GRID_WORKER, world.g31)
    for name, kind, region, active in (
        ("崇义县安全生产委员会", OrganisationKind.COUNTY_COMMITTEE, world.county, True),
        ("横水镇原安全生产办公室", OrganisationKind.DEPARTMENT, world.t1, False),
    ):
        Organisation.objects.create(
            name=name, kind=kind, region=region, region_path=region.path, is_active=active
        )
    GridDuty.objects.create(
        grid=world.g11,
        region_path=world.g11.path,
        role=GridDutyRole.GRID_CHIEF,
        person_name="钱七",
        duties=["组织网格内安全生产检查"],
    )
    return world


def raw_counts(area: Region) -> dict:
    """Each duty figure for a territorial user anchored at `area`, counted over the raw tables by
    path prefix (no scope code)."""
    inside = {"path__startswith": area.path}
    grids = set(Region.objects.filter(kind=RegionKind.GRID, **inside).values_list("pk", flat=True))
    staffed = set(
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, user__is_active=True).values_list(
            "region_id", flat=True
        )
    )
    organisations = Organisation.objects.filter(region_path__startswith=area.path, is_active=True)
    return {
        "townships": Region.objects.filter(kind=RegionKind.TOWNSHIP, **inside).count(),
        "grids": len(grids),
        "grids_staffed": len(grids & staffed),
        "grids_unstaffed": len(grids - staffed),
        "organisations": organisations.count(),
        "committees": organisations.filter(kind__in=COMMITTEES).count(),
        "grid_duty_lists": GridDuty.objects.filter(region_path__startswith=area.path).count(),
    }


def duty_figures(user) -> dict:
    f = statistics.figures(actor=user, date_from=PERIOD[0], date_to=PERIOD[1])
    return {name: getattr(f, name) for name in DUTY_FIGURES}


# The same figures written out for the world above, so that the raw counts cannot agree vacuously.
KNOWN = {
    "office": {
        "townships": 2,
        "grids": 3,
        "grids_staffed": 1,
        "grids_unstaffed": 2,
        "organisations": 7,
        "committees": 3,
        "grid_duty_lists": 4,
    },
    "township1": {
        "townships": 1,
        "grids": 2,
        "grids_staffed": 1,
        "grids_unstaffed": 1,
        "organisations": 2,
        "committees": 0,
        "grid_duty_lists": 3,
    },
    "township2": {
        "townships": 1,
        "grids": 1,
        "grids_staffed": 0,
        "grids_unstaffed": 1,
        "organisations": 1,
        "committees": 0,
        "grid_duty_lists": 1,
    },
}
AREAS = {"office": "county", "township1": "t1", "township2": "t2"}


@pytest.mark.parametrize("role", ["office", "township1", "township2"])
def test_each_duty_figure_equals_the_count_over_the_raw_tables(seeded, role):
    area = getattr(seeded, AREAS[role])
    assert duty_figures(seeded.users[role]) == raw_counts(area) == KNOWN[role]


def test_the_county_leader_counts_the_county_like_the_office(seeded):
    assert duty_figures(seeded.users["leader"]) == raw_counts(seeded.county) == KNOWN["office"]


def test_another_countys_grid_worker_staffs_only_that_countys_grid(seeded):
    assert duty_figures(seeded.users["office_b"]) == {
        "townships": 1,
        "grids": 1,
        "grids_staffed": 1,
        "grids_unstaffed": 0,
        "organisations": 1,
        "committees": 0,
        "grid_duty_lists": 1,
    }


def test_deactivating_the_only_grid_worker_unstaffs_the_grid(seeded):
    User.objects.filter(username__in=["grid11", "grid11b"]).update(is_active=False)
    got = duty_figures(seeded.users["township1"])
    assert (got["grids"], got["grids_staffed"], got["grids_unstaffed"]) == (2, 0, 2)


@pytest.mark.parametrize("role", ["secadmin", "auditor"])
def test_a_role_that_may_not_see_organisations_gets_none(seeded, role):
    assert duty_figures(seeded.users[role]) == dict.fromkeys(DUTY_FIGURES)


# ---- bulletin -------------------------------------------------------------------------------------


def _bulletin_text(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:bulletin"), WIDE)
    assert response.status_code == 200
    return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)


def _duties_paragraph(text: str) -> str:
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if re.match(r"^[一二三四五六七]、明晰职责$", line))
    return lines[heading + 1]


def test_the_county_bulletin_states_the_duty_figures(seeded, client):
    text = _bulletin_text(client, seeded.users["office"])
    today = cn_date(timezone.localdate())
    assert _duties_paragraph(text) == (
        f"健全网格化安全生产责任体系。截至{today}，辖区内共有乡镇（街道）2 个，共划分网格 3 个，"
        "其中已配备网格员的网格 1 个，尚未配备网格员的网格 2 个；"
        "纳入安全生产责任体系的组织机构 7 个，其中安委会及行业领域安委会 3 个；"
        "制定网格职责清单 4 份，推动“网格定人、人员定责”。"
    )
    # the hazard-responsibility sentence follows it
    assert "压实安全生产分级责任，落实隐患“发现、上报、交办、整改、验收、销号”闭环管理。" in text


@pytest.mark.parametrize("role", ["township1", "township2"])
def test_a_township_bulletin_states_its_own_duty_figures(seeded, client, role):
    k = KNOWN[role]
    text = _bulletin_text(client, seeded.users[role])
    today = cn_date(timezone.localdate())
    assert _duties_paragraph(text) == (
        f"健全网格化安全生产责任体系。截至{today}，辖区内共有乡镇（街道）{k['townships']} 个，"
        f"共划分网格 {k['grids']} 个，其中已配备网格员的网格 {k['grids_staffed']} 个，"
        f"尚未配备网格员的网格 {k['grids_unstaffed']} 个；"
        f"纳入安全生产责任体系的组织机构 {k['organisations']} 个，"
        f"其中安委会及行业领域安委会 {k['committees']} 个；"
        f"制定网格职责清单 {k['grid_duty_lists']} 份，推动“网格定人、人员定责”。"
    )


def test_a_grid_workers_bulletin_names_no_township(seeded, client):
    text = _bulletin_text(client, seeded.users["grid11"])
    paragraph = _duties_paragraph(text)
    assert "乡镇（街道）" not in paragraph
    assert "辖区内共划分网格 1 个，其中已配备网格员的网格 1 个，尚未配备网格员的网格 0 个；" in paragraph


def _sections(f) -> dict[str, list[str]]:
    return dict(pillar_sections(f))


@pytest.mark.parametrize("role", ["secadmin", "auditor"])
def test_a_role_that_may_not_see_organisations_has_no_duties_paragraph(seeded, role):
    f = statistics.figures(actor=seeded.users[role], date_from=PERIOD[0], date_to=PERIOD[1])
    assert "明晰职责" not in _sections(f)


def test_without_the_duty_figures_only_the_hazard_sentence_remains(seeded):
    office = statistics.figures(actor=seeded.users["office"], date_from=PERIOD[0], date_to=PERIOD[1])
    hidden = dataclasses.replace(office, **dict.fromkeys(DUTY_FIGURES))
    paragraphs = _sections(hidden)["明晰职责"]
    assert len(paragraphs) == 1
    assert paragraphs[0].startswith("压实安全生产分级责任")
    assert "网格员" not in paragraphs[0]


def test_without_the_hazard_figures_only_the_duty_paragraph_remains(seeded):
    office = statistics.figures(actor=seeded.users["office"], date_from=PERIOD[0], date_to=PERIOD[1])
    hazards = ("hazards_found", "hazards_rectified", "rectification_rate", "major_hazards")
    hidden = dataclasses.replace(
        office, **dict.fromkeys((*hazards, "hazards_overdue", "hazards_escalated_open"))
    )
    paragraphs = _sections(hidden)["明晰职责"]
    assert len(paragraphs) == 1
    assert paragraphs[0].startswith("健全网格化安全生产责任体系。")


# ---- dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_duty_figures_a_list_reproduces(seeded, client):
    client.force_login(seeded.users["township1"])
    page = client.get(reverse("reports:dashboard"), WIDE).content.decode()
    names = "|".join(DUTY_FIGURES)
    shown = dict(re.findall(rf'data-testid="figure-({names})">([^<]*)<', page))
    assert shown == {"townships": "1", "grids": "2", "grid_duty_lists": "3"}
    grids_url = re.search(r'href="([^"]+)" data-figure="grids" data-list-total="2"', page).group(1)
    assert "共 2 条" in client.get(grids_url.replace("&amp;", "&")).content.decode()
