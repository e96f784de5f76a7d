import pytest
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.orgs import services
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Region

SQUARE = {"type": "Polygon", "coordinates": [[[114.0, 25.5], [114.1, 25.5], [114.1, 25.6], [114.0, 25.5]]]}


def test_grid_created_under_township_gets_path_depth_and_centre(world):
    grid = services.region_create(
        actor=world.users["sysadmin"],
        parent=world.t1,
        code="360725100003",
        name="横水第三网格",
        kind=RegionKind.GRID,
        geometry=SQUARE,
    )
    assert (grid.path, grid.depth) == ("/360000/360700/360725/360725100/360725100003/", 5)
    assert (float(grid.center_lon), float(grid.center_lat)) == pytest.approx(
        (114.066667, 25.533333), abs=0.05
    )
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["region.create"]


@pytest.mark.parametrize(
    ("kind", "code", "parent_attr", "message"),
    [
        (RegionKind.GRID, "36072510000", "t1", {"code": ["网格代码应为乡镇代码加 3 位顺序号，共 12 位。"]}),
        (RegionKind.GRID, "360725101009", "t1", {"code": ["代码应以上级代码 360725100 开头。"]}),
        (RegionKind.TOWNSHIP, "360725999", "g11", {"parent": ["上级区划的层级必须高于本级。"]}),
        (
            RegionKind.CITY,
            "360701",
            "province",
            {"code": ["市级区划代码应为 6 位数字，且以 00 结尾（GB/T 2260）。"]},
        ),
    ],
)
def test_region_codes_follow_the_standards(world, kind, code, parent_attr, message):
    with pytest.raises(ValidationError) as exc:
        services.region_create(
            actor=world.users["sysadmin"], parent=getattr(world, parent_attr), code=code, name="x", kind=kind
        )
    assert exc.value.message_dict == message
    assert not Region.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [114, 25]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # self-intersecting
        {"type": "Polygon", "coordinates": "oops"},
        "{not json",
        {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]},
    ],
)
def test_bad_boundaries_are_refused(geometry):
    with pytest.raises(ValidationError) as exc:
        services.validate_geometry(geometry)
    assert list(exc.value.message_dict) == ["geometry"]


def test_region_management_is_scoped(world):
    with pytest.raises(NotInScope):
        services.region_update(actor=world.users["office"], region=world.g11, data={"name": "x"})
    with pytest.raises(NotInScope):
        services.region_create(
            actor=world.users["sysadmin"],
            parent=world.t3,
            code="360726100002",
            name="x",
            kind=RegionKind.GRID,
        )


def test_update_without_change_writes_nothing(world):
    services.region_update(actor=world.users["sysadmin"], region=world.g11, data={"name": world.g11.name})
    assert AuditEntry.objects.count() == 0


def test_sector_lead_department_must_belong_to_the_county(world):
    with pytest.raises(ValidationError) as exc:
        services.sector_update(
            actor=world.users["sysadmin"], sector=world.fire, data={"lead_department": world.org_b}
        )
    assert exc.value.message_dict == {"lead_department": ["牵头单位必须属于本区划或其上级。"]}


def test_grid_duty_only_on_grids_and_cleaned(world):
    with pytest.raises(ValidationError):
        services.grid_duty_create(
            actor=world.users["township1"], grid=world.t1, role="grid_chief", duties=["巡查"]
        )
    duty = services.grid_duty_create(
        actor=world.users["township1"], grid=world.g12, role="grid_chief", duties="  组织检查 \n\n 督促整改 "
    )
    assert duty.duties == ["组织检查", "督促整改"]


def test_township_officer_cannot_edit_the_county_office(world):
    with pytest.raises(NotInScope):
        services.organisation_update(
            actor=world.users["township1"], organisation=world.org_office, data={"name": "x"}
        )
