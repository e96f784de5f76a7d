from __future__ import annotations

import unicodedata
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safegrid.core.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from safegrid.core.masking import mask_phone
from safegrid.core.scope import Grant, ScopedQuerySet
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from .roles import ADMIN_ROLES, ROLE_CAPABILITIES, Cap, Role


class UserQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # Reading: territorial roles (and the security administrator) see the accounts anchored in
        # their subtree; sector- or site-restricted grants see no other accounts; everyone sees
        # themself. Writing: every one of the account's assignments must lie in the subtree, so an
        # administrator of one county cannot edit an account that also serves another.
        own = Q(pk=actor.pk)
        if grant.site_id is not None or grant.sector_ids is not None:
            return None if write else own
        inside = RoleAssignment.objects.filter(user=OuterRef("pk"), region_path__startswith=grant.path)
        if not write:
            return own | Q(Exists(inside))
        outside = RoleAssignment.objects.filter(user=OuterRef("pk")).exclude(
            region_path__startswith=grant.path
        )
        return Q(Exists(inside)) & ~Q(Exists(outside))


class SafeGridUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Signing in as "ＯＦＦＩＣＥ" or "Office" finds the account "office" (SECURITY.md A1).
        return self.get(**{self.model.USERNAME_FIELD: self.model.normalize_username(username)})


class User(BlindIndexedModel, AbstractUser):
    """A person who signs in (账号): office staff, officers, grid workers, enterprise staff, experts,
    administrators. What they may do comes only from their role assignments. The phone is personal
    data: encrypted at rest with a blind index (SECURITY.md D1), shown masked (`phone_masked`)."""

    display_name = models.CharField(_("姓名"), max_length=30)
    phone = EncryptedTextField(_("手机号"), max_length=20, blank=True)
    phone_bidx = BlindIndexField(_("手机号索引"), source="phone", purpose="user.phone", normaliser="phone")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    password_changed_at = models.DateTimeField(
        _("密码修改时间"),
        default=timezone.now,
        help_text=_("超过密码有效期（SAFEGRID_PASSWORD_MAX_AGE_DAYS）后须先修改密码。"),
    )

    objects = SafeGridUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            # Usernames are unique regardless of case (the service also folds full-width forms).
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @classmethod
    def normalize_username(cls, username):
        """One identity per name regardless of case and full-/half-width forms (SECURITY.md A1):
        NFKC folds 'ｚｈａｎｇｓａｎ' to 'zhangsan', casefold folds case (also 'ß' → 'ss'). Used by
        the manager, `full_clean`, sign-in and the services alike."""
        if not isinstance(username, str):
            return username
        folded = unicodedata.normalize("NFKC", username).casefold()
        return unicodedata.normalize("NFKC", folded).strip()

    def set_password(self, raw_password) -> None:
        # Every way of setting a password (services, admin, `changepassword`) restarts its validity
        # period (SECURITY.md A3); callers saving with update_fields include password_changed_at.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", kwargs={"pk": self.pk})

    @cached_property
    def grants(self) -> tuple[Grant, ...]:
        """The user's scope, resolved once per request (a new request re-reads the assignments, so
        a revoked role stops working at the next request)."""
        if not self.is_active or self.pk is None:
            return ()
        # One query, one row per (assignment, sector): no model instances (a site's and a region's
        # every column), no second query for the sectors — run on every request.
        rows = self.role_assignments.values_list(
            "pk", "role", "region_path", "site_id", "site__sector", "region__kind", "sectors__id"
        )
        assignments: dict[int, tuple] = {}
        sectors: dict[int, set[int]] = {}
        for pk, role, path, site_id, site_sector_id, region_kind, sector_id in rows:
            assignments.setdefault(pk, (role, path, site_id, site_sector_id, region_kind))
            if sector_id is not None:
                sectors.setdefault(pk, set()).add(sector_id)
        grants = []
        for pk, (role, path, site_id, site_sector_id, region_kind) in assignments.items():
            sector_ids = frozenset(sectors.get(pk, ())) or None
            if site_id is not None:
                sector_ids = frozenset({site_sector_id})
            grants.append(
                Grant(
                    role=role,
                    path=path,
                    sector_ids=sector_ids,
                    site_id=site_id,
                    capabilities=ROLE_CAPABILITIES.get(role, frozenset()),
                    region_kind=region_kind,
                )
            )
        return tuple(grants)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def capabilities(self) -> frozenset[str]:
        caps: set[str] = set()
        for g in self.grants:
            caps |= g.capabilities
        return frozenset(caps)

    def has_capability(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def is_staff_for_admin(self) -> bool:
        return self.has_capability(Cap.USE_ADMIN)


class RoleAssignmentQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.site_id is not None or grant.sector_ids is not None:
            return Q(user_id=actor.pk)
        return Q(region_path__startswith=grant.path)


class RoleAssignment(models.Model):
    """Role assignment (角色授权): a role held at a region node, optionally limited to sectors
    (sector officers) or to one site (enterprise staff). A user's scope is the union of these."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("管辖区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sectors = models.ManyToManyField(Sector, verbose_name=_("行业领域"), blank=True, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "id"]
        constraints = [
            # 三员分立 in the database: at most one administrator role per user.
            models.UniqueConstraint(
                fields=["user"], condition=Q(role__in=sorted(ADMIN_ROLES)), name="one_admin_role_per_user"
            ),
            models.UniqueConstraint(fields=["user", "role", "region"], name="role_assignment_unique"),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE_MANAGER) | Q(site__isnull=False),
                name="enterprise_role_has_site",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path"], name="roleassign_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"
