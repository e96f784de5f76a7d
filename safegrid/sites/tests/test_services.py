import pytest
from django.core.exceptions import ValidationError

from conftest import credit_code
from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.sites import services
from safegrid.sites.models import Site


def _create(world, actor_key, **over):
    data = {
        "name": "新钨矿",
        "category": "enterprise",
        "kind": "mine",
        "sector": world.mining,
        "grid": world.g12,
        "address": "新溪村",
        "credit_code": credit_code(500),
    }
    data.update(over)
    return services.site_create(actor=world.users[actor_key], **data)


def test_site_takes_its_grid_path(world):
    site = _create(world, "township1", credit_code=" 9136 0725 0000 0050 0" + credit_code(500)[-1].lower())
    assert (site.region_path, site.credit_code) == (world.g12.path, credit_code(500))
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["site.create"]


def test_enterprise_needs_a_valid_unique_credit_code(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, "township1", credit_code="")
    assert exc.value.message_dict == {"credit_code": ["企业必须填写统一社会信用代码。"]}
    with pytest.raises(ValidationError) as exc:
        _create(
            world,
            "township1",
            credit_code=credit_code(500)[:-1] + "0" if credit_code(500)[-1] != "0" else "1",
        )
    assert exc.value.message_dict["credit_code"] == ["统一社会信用代码校验位不正确，请核对后重新输入。"]
    with pytest.raises(ValidationError) as exc:
        _create(world, "township1", credit_code=world.site11_mine.credit_code)
    assert "credit_code" in exc.value.message_dict
    assert Site.objects.count() == 6


def test_sector_officer_adds_only_in_own_sector(world):
    with pytest.raises(NotInScope):
        _create(world, "sector_mining", sector=world.fire, category="venue", kind="mall", credit_code=None)
    assert _create(world, "sector_mining").sector == world.mining


def test_grid_worker_cannot_register_sites(world):
    with pytest.raises(NotInScope):
        _create(world, "grid11", grid=world.g11)


def test_sector_must_belong_to_the_sites_county(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, "office", sector=world.mining_b)
    assert exc.value.message_dict == {"sector": ["行业领域必须是场所所在县（区）设置的行业领域。"]}


def test_move_between_grids_updates_the_path(world):
    site = services.site_update(
        actor=world.users["township1"], site=world.site12_mine, data={"grid": world.g11}
    )
    site.refresh_from_db()
    assert site.region_path == world.g11.path


def test_cannot_move_a_site_out_of_ones_township(world):
    with pytest.raises(ValidationError):
        services.site_update(actor=world.users["township1"], site=world.site12_mine, data={"grid": world.g21})
    world.site12_mine.refresh_from_db()
    assert world.site12_mine.region_path == world.g12.path


def test_enterprise_staff_edit_contacts_but_not_the_registry(world):
    user = world.users["enterprise11"]
    services.site_update(actor=user, site=world.site11_mine, data={"contact_phone": "13800000000"})
    with pytest.raises(ValidationError) as exc:
        services.site_update(actor=user, site=world.site11_mine, data={"is_key": False})
    assert exc.value.message_dict == {"is_key": ["您无权修改此项。"]}
    with pytest.raises(NotInScope):
        services.site_update(actor=user, site=world.site11_mall, data={"contact_phone": "13800000000"})
