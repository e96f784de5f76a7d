"""C7 三员分立: no account holds two of the three administrator roles, and each administrator role
reaches its own administrative functions only."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from safegrid.accounts import services
from safegrid.accounts.models import RoleAssignment, User
from safegrid.accounts.roles import ADMIN_ROLES, Role
from safegrid.core.models import AuditEntry

ADMIN_USERS = {Role.SYSTEM_ADMIN: "sysadmin", Role.SECURITY_ADMIN: "secadmin", Role.AUDIT_ADMIN: "auditor"}

# Administrative functions (pages), each owned by exactly one administrator role.
FUNCTIONS = {
    "系统配置（后台）": (Role.SYSTEM_ADMIN, lambda w: reverse("admin:index")),
    "区划管理": (Role.SYSTEM_ADMIN, lambda w: reverse("orgs:region_create")),
    "行业领域管理": (Role.SYSTEM_ADMIN, lambda w: reverse("orgs:sector_create")),
    "新增账号": (Role.SECURITY_ADMIN, lambda w: reverse("accounts:user_create")),
    "授予角色": (Role.SECURITY_ADMIN, lambda w: reverse("accounts:role_assign", args=[w.users["grid11"].pk])),
    "登录锁定与解锁": (Role.SECURITY_ADMIN, lambda w: reverse("accounts:lockout_list")),
    "审计日志": (Role.AUDIT_ADMIN, lambda w: reverse("core:audit_list")),
}


def _reaches(client, url: str) -> bool:
    return client.get(url).status_code == 200


def test_each_administrator_role_reaches_only_its_own_functions(world, figure):
    cross_role_grants = 0
    denied_own = 0
    for role, username in ADMIN_USERS.items():
        client = APIClient()
        client.force_login(world.users[username])
        for _name, (owner, url) in FUNCTIONS.items():
            reached = _reaches(client, url(world))
            if owner == role and not reached:
                denied_own += 1
            if owner != role and reached:
                cross_role_grants += 1
    figure(
        "三员",
        "admin roles × functions",
        roles=len(ADMIN_USERS),
        functions=len(FUNCTIONS),
        cross_role_grants=cross_role_grants,
    )
    assert (cross_role_grants, denied_own) == (0, 0)


@pytest.mark.parametrize("held, added", list(itertools.permutations(sorted(ADMIN_ROLES), 2)))
def test_no_account_may_hold_two_administrator_roles(world, held, added, figure):
    user = world.users[ADMIN_USERS[held]]
    with pytest.raises(ValidationError) as exc:
        services.role_assign(actor=world.users["secadmin"], user=user, role=added, region=world.county)
    assert exc.value.message_dict == {"role": ["三员分立：管理员角色不能与其他任何角色由同一账号兼任。"]}
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=added, region=world.county, region_path=world.county.path
        )
    assert set(User.objects.get(pk=user.pk).roles) == {held}
    assert not AuditEntry.objects.filter(action="role.assign").exists()
    figure("三员", "conflicting admin role assignments rejected (service and database)", rejected=1)


def test_the_world_has_no_superuser_and_no_staff_flag(world):
    assert User.objects.filter(is_superuser=True).count() == 0
