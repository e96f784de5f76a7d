"""People (队伍建设): persons, their posts, teams, trainings, certificates and commendations.

Every row carries the scope keys of the place it belongs to — region path, sector (nullable) and
site (nullable, for an enterprise's own staff) — copied by the services, so that "who sees it" is
one indexed `WHERE` (DESIGN.md §4). ID numbers and phones are stored SM4-encrypted with a keyed blind
index for equality search (`safegrid.core.fields`, SECURITY.md D1) and are shown masked (`masking`);
the plain value goes to one holder of `people.view_plain_pii` at a time, audited (`person_unmask`).
Past the retention period after a person left, those numbers are erased (`retention`, SECURITY.md D6)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.fields import BlindIndexedModel, BlindIndexField, EncryptedTextField
from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from . import certificates, masking
from .choices import (
    CertificateKind,
    CommendationKind,
    Employment,
    Gender,
    OperationCategory,
    PersonSource,
    PostKind,
    TeamKind,
    TeamRole,
    TrainingKind,
)


class PeopleQuerySet(ScopedQuerySet):
    """Rows placed by region path, sector and site: officers see their subtree (sector officers their
    sectors only), enterprise staff their own site's rows."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")


class Placed(TimeStampedModel):
    """The scope keys, copied from the place a row belongs to."""

    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    site_id: int | None

    class Meta:
        abstract = True


def _path_index(name: str) -> models.Index:
    return models.Index(fields=["region_path"], name=name, opclasses=["varchar_pattern_ops"])


# Shown instead of a masked number once the retention purge has erased it (SECURITY.md D6).
PURGED_NOTE = _("已按保存期限删除")


class Person(BlindIndexedModel, Placed):
    """A member of the county's safety work force: government staff sent down, hired professionals,
    community grid workers, enterprise safety staff and experts. A person may or may not have a
    login (`user`).

    `personal_data_purged_on` is the day the retention purge (`services.person_purge_expired`)
    erased the ID number and phone of a person who had left; the name and every record naming the
    person (postings, trainings, certificates, commendations) are kept."""

    name = models.CharField(_("姓名"), max_length=30)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    id_number = EncryptedTextField(_("身份证号"), max_length=18, blank=True)
    id_number_bidx = BlindIndexField(
        _("身份证号索引"), source="id_number", purpose="person.id_number", normaliser="id_number"
    )
    phone = EncryptedTextField(_("手机号码"), max_length=20, blank=True)
    phone_bidx = BlindIndexField(
        _("手机号码索引"), source="phone", purpose="person.phone", normaliser="phone"
    )
    source = models.CharField(_("人员来源"), max_length=16, choices=PersonSource.choices)
    employment = models.CharField(_("专兼职"), max_length=12, choices=Employment.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("工作区划"), on_delete=models.PROTECT, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    personal_data_purged_on = models.DateField(_("个人信息删除日期"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["region_path", "name", "id"]
        constraints = [
            # On the blind index: the ciphertexts of one ID number all differ (random nonce).
            models.UniqueConstraint(
                fields=["id_number_bidx"],
                condition=~Q(id_number_bidx=""),
                name="person_unique_id_number",
                violation_error_message=_("该身份证号已登记。"),
            ),
        ]
        indexes = [
            _path_index("person_path_prefix_idx"),
            models.Index(fields=["site"], name="person_site_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", kwargs={"pk": self.pk})

    @property
    def id_number_masked(self) -> str:
        if not self.id_number and self.personal_data_purged_on is not None:
            return str(PURGED_NOTE)
        return masking.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        if not self.phone and self.personal_data_purged_on is not None:
            return str(PURGED_NOTE)
        return masking.mask_phone(self.phone)


class Posting(Placed):
    """A post a person holds (岗位任职): patrolling a grid, a township or sector post, or a post at
    an enterprise. A special operator's post needs a valid certificate of its category."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="postings"
    )
    post = models.CharField(_("岗位"), max_length=20, choices=PostKind.choices)
    operation_category = models.CharField(
        _("特种作业类别"), max_length=16, choices=OperationCategory.choices, blank=True
    )
    region = models.ForeignKey(Region, verbose_name=_("任职区划"), on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site,
        verbose_name=_("任职企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    started_on = models.DateField(_("上岗日期"))
    ended_on = models.DateField(_("离岗日期"), null=True, blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("无证作业隐患"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位任职")
        verbose_name_plural = _("岗位任职")
        ordering = ["region_path", "post", "id"]
        indexes = [_path_index("posting_path_prefix_idx")]

    def __str__(self) -> str:
        place = self.site or self.region
        return f"{self.person} · {self.get_post_display()} · {place}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    def active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class Team(Placed):
    """A "专兼结合" safety team of a grid, township, sector or enterprise, with its members."""

    name = models.CharField(_("队伍名称"), max_length=100)
    kind = models.CharField(_("队伍类型"), max_length=12, choices=TeamKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(Person, through="TeamMembership", related_name="teams")
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全队伍")
        verbose_name_plural = _("安全队伍")
        ordering = ["region_path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="team_unique_name_per_region",
                violation_error_message=_("本区划已有同名的队伍。"),
            ),
        ]
        indexes = [_path_index("team_path_prefix_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:team_detail", kwargs={"pk": self.pk})


class TeamMembership(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("队内职务"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("队伍成员")
        verbose_name_plural = _("队伍成员")
        ordering = ["team", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                name="team_member_once",
                violation_error_message=_("该人员已是本队伍成员。"),
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role="leader"),
                name="team_one_leader",
                violation_error_message=_("一支队伍只能有一名队长。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.person}"


class Training(Placed):
    """A training session (培训) and who attended: people in the system, plus trainees counted from
    outside it; `person_times` (人次) is kept by the services."""

    kind = models.CharField(_("培训类型"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训名称"), max_length=150)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="trainings"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("培训企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(
        _("学时"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(200)],
    )
    location = models.CharField(_("地点"), max_length=100, blank=True)
    content = models.TextField(_("培训内容"), max_length=4000, blank=True)
    outside_trainees = models.PositiveIntegerField(_("其他参训人数"), default=0)
    attendee_count = models.PositiveIntegerField(_("系统内参训人数"), default=0, editable=False)
    person_times = models.PositiveIntegerField(_("参训人次"), default=0, editable=False)
    results = models.TextField(_("培训成效"), max_length=2000, blank=True)
    attendees = models.ManyToManyField(Person, through="TrainingAttendance", related_name="trainings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_on", "-id"]
        indexes = [
            _path_index("training_path_prefix_idx"),
            models.Index(fields=["held_on"], name="training_held_on_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("people:training_detail", kwargs={"pk": self.pk})


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="attendance"
    )
    passed = models.BooleanField(_("考核合格"), null=True, blank=True)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["training", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "person"],
                name="training_attend_once",
                violation_error_message=_("该人员已在本次培训名单中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training} · {self.person}"


class Certificate(Placed):
    """A certificate held by a person; for special-operation certificates the dates follow 30号令
    (`certificates`): expiry 6 years after issue, review every 3 years unless extended."""

    person = models.ForeignKey(
        Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    site_id = models.BigIntegerField(_("企业"), null=True, blank=True, editable=False)
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    category = models.CharField(_("作业类别"), max_length=16, choices=OperationCategory.choices, blank=True)
    item = models.CharField(_("准操项目"), max_length=60, blank=True)
    number = models.CharField(_("证书编号"), max_length=40)
    issuing_authority = models.CharField(_("发证机关"), max_length=80, blank=True)
    issue_date = models.DateField(_("初领/换证日期"))
    expiry_date = models.DateField(_("有效期至"), editable=False)
    review_due_date = models.DateField(_("应复审日期"), null=True, blank=True, editable=False)
    reviewed_on = models.DateField(_("复审日期"), null=True, blank=True)
    review_extended = models.BooleanField(_("延长复审周期"), default=False)
    continuous_since = models.DateField(_("连续从事本工种起始日期"), null=True, blank=True)
    violations = models.PositiveSmallIntegerField(_("违章记录（次）"), default=0)
    revoked = models.BooleanField(_("已注销"), default=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["expiry_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="certificate_unique_number",
                violation_error_message=_("该证书编号已登记。"),
            ),
        ]
        indexes = [
            _path_index("certificate_path_prefix_idx"),
            models.Index(fields=["expiry_date"], name="certificate_expiry_idx"),
            models.Index(fields=["review_due_date"], name="certificate_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number_masked}"

    @property
    def number_masked(self) -> str:
        return masking.mask_certificate_number(self.number)

    def get_absolute_url(self) -> str:
        return reverse("people:certificate_detail", kwargs={"pk": self.pk})

    @property
    def dates(self) -> certificates.CertificateDates:
        return certificates.CertificateDates(
            issue_date=self.issue_date,
            expiry_date=self.expiry_date,
            review_due_date=self.review_due_date,
            reviewed_on=self.reviewed_on,
            revoked=self.revoked,
        )

    def status_on(self, day: datetime.date) -> str:
        return self.dates.status(day)


class Commendation(Placed):
    """评先评优 / 通报表扬 of a person or a unit (an organisation or an enterprise)."""

    kind = models.CharField(_("类型"), max_length=8, choices=CommendationKind.choices)
    title = models.CharField(_("表彰名称"), max_length=150)
    awarded_on = models.DateField(_("日期"))
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("表彰单位"),
        on_delete=models.PROTECT,
        related_name="commendations_issued",
    )
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("受表彰人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("受表彰单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    recipient_site = models.ForeignKey(
        Site, verbose_name=_("受表彰企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site_id = models.BigIntegerField(_("企业"), null=True, blank=True, editable=False)
    reason = models.TextField(_("事迹"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PeopleQuerySet.as_manager()

    class Meta:
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, organisation__isnull=True, recipient_site__isnull=True)
                    | Q(person__isnull=True, organisation__isnull=False, recipient_site__isnull=True)
                    | Q(person__isnull=True, organisation__isnull=True, recipient_site__isnull=False)
                ),
                name="commendation_one_recipient",
                violation_error_message=_("表彰对象应为一名人员或一个单位。"),
            ),
        ]
        indexes = [_path_index("commendation_path_prefix_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("people:commendation_detail", kwargs={"pk": self.pk})

    @property
    def recipient(self):
        return self.person or self.organisation or self.recipient_site
