"""Writes for accounts and role assignments (the security administrator's duties)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safegrid.core.audit import audit_record
from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.models import AuditResult
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
    Role.SUPERVISOR: {RegionKind.PROVINCE, RegionKind.CITY},
    Role.SYSTEM_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
    Role.SECURITY_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
    Role.AUDIT_ADMIN: {RegionKind.PROVINCE, RegionKind.CITY, RegionKind.COUNTY},
}


def normalise_username(username: str) -> str:
    """Fold full-width forms and case so that 'ＺｈａｎｇＳａｎ' and 'zhangsan' are one account."""
    return User.normalize_username(username or "")


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
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent create of the same (folded) name
        raise ValidationError({"username": _("该用户名已被使用。")}) from exc
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


def api_tokens_purge_expired(*, now=None) -> int:
    """Delete every expired API token (a token is refused once expired; this removes the row, also
    for users who never sign in again: residual information, SECURITY.md D6). The number deleted."""
    from django.utils import timezone
    from knox.models import AuthToken

    deleted, _per_model = AuthToken.objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted


# --- sign-in, sessions and credentials (SECURITY.md A3, A5, A6, S1, S4) -------------------------------


def _account(username: str) -> User | None:
    return User.objects.filter(username=normalise_username(username)).first() if username else None


@transaction.atomic
def login_succeeded(*, user: User, channel: str) -> None:
    """Record a sign-in ('web' form or 'api' token exchange)."""
    audit_record(actor=user, action="login.success", obj=user, changes={"channel": [None, channel]})


def login_failed(*, username: str, reason: str) -> None:
    """Record a refused sign-in (wrong password, unknown account, locked, wrong second factor). The
    attempted name is kept (folded, truncated); the password never is."""
    name = normalise_username(username)[:150]
    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.failed",
            obj=_account(name),
            object_type="accounts.user",
            object_repr=name,
            changes={"reason": [None, reason]},
            result=AuditResult.FAILURE,
        )


def login_locked(*, username: str | None, ip: str | None) -> None:
    """Record the moment a username or client address becomes locked (once per lock)."""
    name = normalise_username(username or "")[:150]
    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.locked",
            obj=_account(name),
            object_type="accounts.user",
            object_repr=name or (ip or ""),
            changes={"username": [None, name], "ip": [None, ip]},
            result=AuditResult.FAILURE,
        )


@transaction.atomic
def session_ended(*, user: User, reason: str) -> None:
    """Record a sign-out: 'logout' (the user), 'idle' or 'absolute' (the session ran out)."""
    audit_record(actor=user, action="logout", obj=user, changes={"reason": [None, reason]})


@transaction.atomic
def password_change(*, actor: User, new_password: str) -> int:
    """The signed-in user sets a new password (the caller has checked the old one). Restarts the
    validity period, revokes every API token of the account (S4: other browser sessions end by
    themselves, their session hash no longer matches) and returns how many tokens were revoked."""
    from knox.models import AuthToken

    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.check_password(new_password):
        raise ValidationError({"new_password1": _("新密码不能与当前密码相同。")})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    revoked, _detail = AuthToken.objects.filter(user=user).delete()
    audit_record(
        actor=actor, action="password.change", obj=user, changes={"api_tokens_revoked": [None, revoked]}
    )
    actor.password = user.password
    actor.password_changed_at = user.password_changed_at
    return revoked


@transaction.atomic
def lockout_release(*, actor: User, kind: str, value: str) -> int:
    """The security administrator unlocks a username or a client address before its cool-off ends.
    The lock must be one the actor may see (selectors.lockout_list), else NotInScope."""
    from axes.handlers.proxy import AxesProxyHandler

    from . import selectors

    if not any(lock.kind == kind and lock.value == value for lock in selectors.lockout_list(actor=actor)):
        raise NotInScope(_("未找到。"))
    if kind == "username":
        removed = AxesProxyHandler.reset_attempts(username=value)
    else:
        removed = AxesProxyHandler.reset_attempts(ip_address=value)
    audit_record(
        actor=actor,
        action="account.unlock",
        obj=_account(value) if kind == "username" else None,
        object_type="accounts.user" if kind == "username" else "axes.ip",
        object_id="" if kind == "username" else value,
        object_repr=value,
        changes={kind: [value, None], "attempts_removed": [removed, 0]},
    )
    return removed


# --- two-factor sign-in (TOTP, SECURITY.md A6) --------------------------------------------------------


@transaction.atomic
def otp_device_begin(*, actor: User):
    """Start enrolment: an unconfirmed TOTP device with a fresh secret (an earlier unconfirmed one is
    replaced). The device works only after `otp_device_confirm`."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name=_("身份验证器"), confirmed=False)
    audit_record(actor=actor, action="otp.begin", obj=actor)
    return device


def otp_device_confirm(*, actor: User, device, token: str):
    """Confirm enrolment with one code from the authenticator app; a wrong code changes nothing."""
    if device.user_id != actor.pk or device.confirmed or not device.verify_token(_digits(token)):
        otp_failed(actor=actor, stage="enrol")
        raise ValidationError({"token": _("验证码不正确，请查看身份验证器上的当前 6 位数字后重试。")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action="otp.enrol", obj=actor)
    return device


def otp_verify(*, actor: User, token: str):
    """Check a code against the actor's confirmed devices. A code is accepted once (the device keeps
    the last time step used, so a replayed code is refused); failures are throttled by django-otp."""
    from django_otp import devices_for_user

    token = _digits(token)
    for device in devices_for_user(actor, confirmed=True):
        if token and device.verify_token(token):
            with transaction.atomic():
                audit_record(actor=actor, action="otp.verify", obj=actor)
            return device
    otp_failed(actor=actor, stage="verify")
    raise ValidationError({"token": _("验证码不正确或已使用，请等待下一个验证码后重试。")})


def otp_failed(*, actor: User, stage: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="otp.failed",
            obj=actor,
            changes={"stage": [None, stage]},
            result=AuditResult.FAILURE,
        )


def _digits(token) -> str:
    token = "".join(str(token or "").split())
    return token if token.isdigit() and len(token) <= 8 else ""
