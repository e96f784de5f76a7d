import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import PASSWORD
from safegrid.accounts import services
from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import Role
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.models import AuditEntry

GOOD_PASSWORD = "Xy7-long-passphrase"


def test_user_create_with_first_role_writes_one_audit_record(world):
    secadmin = world.users["secadmin"]
    user = services.user_create(
        actor=secadmin,
        username="ZhangSan",
        display_name="张三",
        password=GOOD_PASSWORD,
        role=Role.GRID_WORKER,
        region=world.g12,
    )
    assert (user.username, user.check_password(GOOD_PASSWORD)) == ("zhangsan", True)
    assert list(user.role_assignments.values_list("role", "region_path")) == [("grid_worker", world.g12.path)]
    assert list(AuditEntry.objects.values_list("action", "object_id")) == [("user.create", str(user.pk))]


@pytest.mark.parametrize("variant", ["ZHANGSAN", "ｚｈａｎｇｓａｎ", " zhangsan "])
def test_usernames_differing_in_case_or_width_are_one_account(world, variant):
    secadmin = world.users["secadmin"]
    services.user_create(
        actor=secadmin,
        username="zhangsan",
        display_name="张三",
        password=GOOD_PASSWORD,
        role=Role.GRID_WORKER,
        region=world.g12,
    )
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=secadmin,
            username=variant,
            display_name="张三",
            password=GOOD_PASSWORD,
            role=Role.GRID_WORKER,
            region=world.g12,
        )
    assert exc.value.message_dict == {"username": ["该用户名已被使用。"]}
    assert User.objects.filter(username__iexact="zhangsan").count() == 1


def test_database_refuses_case_variant_usernames(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="GRID11", display_name="x")


@pytest.mark.parametrize("admin_role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_admin_roles_are_exclusive(world, admin_role):
    """三员分立: an administrator role cannot join any other role, in either order."""
    secadmin = world.users["secadmin"]
    for holder in ("auditor", "sysadmin", "office"):
        user = world.users[holder]
        if admin_role in user.roles:
            continue
        with pytest.raises(ValidationError):
            services.role_assign(actor=secadmin, user=user, role=admin_role, region=world.county)
    auditor = world.users["auditor"]
    with pytest.raises(ValidationError) as exc:
        services.role_assign(actor=secadmin, user=auditor, role=Role.COUNTY_OFFICE, region=world.county)
    assert exc.value.message_dict == {"role": ["三员分立：管理员账号不能再授予业务角色。"]}
    assert AuditEntry.objects.count() == 0


def test_database_refuses_two_admin_roles_for_one_user(world):
    auditor = world.users["auditor"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=auditor, role=Role.SYSTEM_ADMIN, region=world.county, region_path=world.county.path
        )


def test_role_region_must_fit_the_role(world):
    secadmin = world.users["secadmin"]
    with pytest.raises(ValidationError) as exc:
        services.role_assign(
            actor=secadmin, user=world.users["grid11"], role=Role.GRID_WORKER, region=world.t1
        )
    assert exc.value.message_dict == {"region": ["该角色只能授权在网格一级。"]}


def test_sector_officer_needs_sectors_of_that_county(world):
    secadmin = world.users["secadmin"]
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=secadmin,
            username="s1",
            display_name="甲",
            password=GOOD_PASSWORD,
            role=Role.SECTOR_OFFICER,
            region=world.county,
            sectors=[world.mining_b],
        )
    assert exc.value.message_dict == {"sectors": ["行业领域“矿山”不属于所选区划。"]}


def test_enterprise_manager_is_anchored_at_its_sites_grid(world):
    user = services.user_create(
        actor=world.users["secadmin"],
        username="e2",
        display_name="乙",
        password=GOOD_PASSWORD,
        role=Role.ENTERPRISE_MANAGER,
        region=world.county,
        site=world.site12_mine,
    )
    assignment = user.role_assignments.get()
    assert (assignment.region_id, assignment.site_id) == (world.g12.pk, world.site12_mine.pk)


def test_security_admin_of_one_county_cannot_touch_another(world):
    with pytest.raises(NotInScope):
        services.user_create(
            actor=world.users["secadmin"],
            username="b1",
            display_name="丙",
            password=GOOD_PASSWORD,
            role=Role.GRID_WORKER,
            region=world.g31,
        )
    with pytest.raises(NotInScope):
        services.user_update(
            actor=world.users["secadmin"], user=world.users["office_b"], data={"display_name": "x"}
        )
    assert AuditEntry.objects.count() == 0


def test_only_the_security_admin_manages_accounts(world):
    for key in ("office", "township1", "sysadmin", "auditor"):
        with pytest.raises(NotInScope):
            services.user_update(
                actor=world.users[key], user=world.users["grid11"], data={"display_name": "x"}
            )


def test_last_role_cannot_be_revoked(world):
    assignment = world.users["grid11"].role_assignments.get()
    with pytest.raises(ApplicationError):
        services.role_revoke(actor=world.users["secadmin"], assignment=assignment)
    assert world.users["grid11"].role_assignments.count() == 1


def test_revocation_takes_effect_on_the_next_request(world, client):
    """C8: removing a scope between two requests denies the second one."""
    secadmin = world.users["secadmin"]
    grid11 = world.users["grid11"]
    extra = services.role_assign(actor=secadmin, user=grid11, role=Role.GRID_WORKER, region=world.g12)
    client.force_login(grid11)
    url = f"/sites/{world.site12_mine.pk}/"
    assert client.get(url).status_code == 200
    services.role_revoke(actor=secadmin, assignment=extra)
    assert client.get(url).status_code == 404


def test_deactivated_user_sees_nothing(world, client):
    services.user_update(
        actor=world.users["secadmin"], user=world.users["township1"], data={"is_active": False}
    )
    assert list(User.objects.get(username="township1").grants) == []
    assert client.login(username="township1", password=PASSWORD) is False


def test_weak_passwords_are_refused_in_chinese(world):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=world.users["secadmin"],
            username="weak",
            display_name="丁",
            password="alllowercase",
            role=Role.GRID_WORKER,
            region=world.g12,
        )
    assert exc.value.messages == ["密码须包含大写字母、小写字母、数字、其他符号中的至少 3 类。"]
    assert not User.objects.filter(username="weak").exists()
