"""Writes for accounts and role assignments (the security administrator's duties)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safegrid.core.audit import audit_record
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.services import model_update
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from .models import RoleAssignment, User
from .roles import ADMIN_ROLES, SECTOR_ROLES, SITE_ROLES, Cap, Role

# Where each role may be anchored.
ROLE_REGION_KINDS: dict[str, set[int]] = {
    Role.COUNTY_LEADER: {RegionKind.COUNTY},
    Role.COUNTY_OFFICE: {RegionKind.COUNTY},
    Role.SECTOR_OFFICER: {RegionKind.COUNTY},
    Role.TOWNSHIP_OFFICER: {RegionKind.TOWNSHIP},
    Role.GRID_WORKER: {RegionKind.GRID},
    Role.ENTERPRISE_MANAGER: {RegionKind.GRID},
    Role.EXPERT: {RegionKind.COUNTY, RegionKind.TOWNSHIP},
    Role.SYSTEM_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
    Role.SECURITY_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
    Role.AUDIT_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
}


def normalise_username(username: str) -> str:
    """Fold full-width forms and case so that 'ＺｈａｎｇＳａｎ' and 'zhangsan' are one account."""
    return unicodedata.normalize("NFKC", username or "").strip().lower()


def _require_manage(actor, path: str) -> None:
    for grant in actor.grants:
        if Cap.MANAGE_USER in grant.capabilities and grant.site_id is None and path.startswith(grant.path):
            return
    raise NotInScope(_("未找到。"))


def _validate_assignment(
    *, user: User | None, role: str, region: Region, sectors: Iterable[Sector], site: Site | None
) -> tuple[Region, list[Sector]]:
    if role not in Role.values:
        raise ValidationError({"role": _("角色无效。")})
    sectors = list(sectors)
    if role in SITE_ROLES:
        if site is None:
            raise ValidationError({"site": _("企业安全管理员必须指定所属场所。")})
        region = site.grid
    elif site is not None:
        raise ValidationError({"site": _("只有企业安全管理员绑定场所。")})
    if region.kind not in ROLE_REGION_KINDS[role]:
        kinds = _("、").join(str(RegionKind(k).label) for k in sorted(ROLE_REGION_KINDS[role]))
        raise ValidationError({"region": _("该角色只能授权在%(kinds)s一级。") % {"kinds": kinds}})
    if role in SECTOR_ROLES and not sectors:
        raise ValidationError({"sectors": _("行业监管人员必须指定至少一个行业领域。")})
    if role not in SECTOR_ROLES and role != Role.EXPERT and sectors:
        raise ValidationError({"sectors": _("该角色不按行业领域限定。")})
    for sector in sectors:
        if not region.path.startswith(sector.region_path):
            raise ValidationError(
                {"sectors": _("行业领域“%(sector)s”不属于所选区划。") % {"sector": sector.name}}
            )
    if user is not None and user.pk is not None:
        held = set(user.role_assignments.values_list("role", flat=True))
        if role in ADMIN_ROLES and held:
            raise ValidationError({"role": _("三员分立：管理员角色不能与其他任何角色由同一账号兼任。")})
        if role not in ADMIN_ROLES and held & ADMIN_ROLES:
            raise ValidationError({"role": _("三员分立：管理员账号不能再授予业务角色。")})
    return region, sectors


def _create_assignment(*, user: User, role: str, region: Region, sectors: list[Sector], site: Site | None):
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, region=region, region_path=region.path, site=site
            )
    except IntegrityError as exc:
        raise ValidationError({"role": _("该用户在此区划已有相同角色，或已持有一个管理员角色。")}) from exc
    if sectors:
        assignment.sectors.set(sectors)
    return assignment


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    display_name: str,
    password: str,
    role: str,
    region: Region,
    sectors: Iterable[Sector] = (),
    site: Site | None = None,
    phone: str = "",
    email: str = "",
    organisation: Organisation | None = None,
) -> User:
    """Create an account together with its first role assignment (an account without a role would
    be invisible to everyone but the security administrator at the root)."""
    username = normalise_username(username)
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    region, sectors = _validate_assignment(user=None, role=role, region=region, sectors=sectors, site=site)
    _require_manage(actor, region.path)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")})
    user = User(
        username=username, display_name=display_name, phone=phone, email=email, organisation=organisation
    )
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    _create_assignment(user=user, role=role, region=region, sectors=sectors, site=site)
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={"username": [None, username], "role": [None, role], "region": [None, region.pk]},
    )
    return user


USER_EDITABLE = ["display_name", "phone", "email", "organisation", "is_active"]


@transaction.atomic
def user_update(*, actor, user: User, data: dict[str, Any]) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    paths = list(user.role_assignments.values_list("region_path", flat=True))
    if not paths:
        raise NotInScope(_("未找到。"))
    for path in paths:
        _require_manage(actor, path)
    if data.get("is_active") is False and user.pk == actor.pk:
        raise ApplicationError(_("不能停用自己的账号。"))
    changes = model_update(instance=user, fields=USER_EDITABLE, data=data)
    if changes:
        audit_record(actor=actor, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, region: Region, sectors: Iterable[Sector] = (), site: Site | None = None
) -> RoleAssignment:
    user = User.objects.select_for_update().get(pk=user.pk)
    region, sectors = _validate_assignment(user=user, role=role, region=region, sectors=sectors, site=site)
    _require_manage(actor, region.path)
    assignment = _create_assignment(user=user, role=role, region=region, sectors=sectors, site=site)
    audit_record(
        actor=actor,
        action="role.assign",
        obj=user,
        changes={
            "role": [None, role],
            "region": [None, region.pk],
            "sectors": [None, [s.pk for s in sectors]],
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    assignment = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
    _require_manage(actor, assignment.region_path)
    user = assignment.user
    if user.role_assignments.count() == 1:
        raise ApplicationError(_("这是该账号的最后一个角色；如需停用账号，请使用“停用”。"))
    role, region_id = assignment.role, assignment.region_id
    assignment.delete()
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=user,
        changes={"role": [role, None], "region": [region_id, None]},
    )


@transaction.atomic
def api_token_issue(*, user: User):
    """Issue an API token (stored hashed by knox). Returns (token string, expiry)."""
    from knox.models import AuthToken

    instance, token = AuthToken.objects.create(user=user)
    audit_record(actor=user, action="auth.token_issue", obj=user)
    return token, instance.expiry


@transaction.atomic
def api_token_revoke(*, user: User, token) -> None:
    token.delete()
    audit_record(actor=user, action="auth.token_revoke", obj=user)
