"""Page forms of the people module. Every choice lists only in-scope rows. ID numbers and phones are
never put back into a form: on edit the field is empty and the masked value is shown as help."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.forms import region_label

from . import selectors
from .choices import (
    CertificateKind,
    CommendationKind,
    Employment,
    Gender,
    OperationCategory,
    PersonSource,
    PostKind,
    TeamKind,
    TrainingKind,
)

_BLANK = [("", "—")]
# <input type="date"> only accepts an ISO value; the zh-hans input format (2026/06/01) would leave
# the field blank in the browser, so a required date (上岗日期) could not be submitted as offered.
_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _regions(actor):
    return selectors.region_choices(actor=actor)


def _sites(actor):
    return selectors.site_choices(actor=actor)


def _organisations(actor):
    return selectors.organisation_choices(actor=actor)


def _sectors(actor):
    return selectors.sector_choices(actor=actor)


def _managed_people(actor):
    return selectors.person_choices(actor=actor)


def _visible_people(actor):
    return selectors.person_choices(actor=actor, capability=Cap.VIEW_PEOPLE)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return region_label(obj)


class _ActorForm(forms.Form):
    """A plain form that knows the actor (choices in scope) and, on edit, the instance."""

    scoped_fields: dict = {}

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        for name, queryset_for in self.scoped_fields.items():
            if name in self.fields:
                self.fields[name].queryset = queryset_for(actor)

    def initial_from(self, instance) -> dict:
        return {}


class ConfirmForm(_ActorForm):
    """No fields: the page explains the action and the button confirms it."""


class PersonForm(_ActorForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=30)
    gender = forms.ChoiceField(
        label=gettext_lazy("性别"), choices=_BLANK + list(Gender.choices), required=False
    )
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=20, required=False)
    source = forms.ChoiceField(label=gettext_lazy("人员来源"), choices=PersonSource.choices)
    employment = forms.ChoiceField(label=gettext_lazy("专兼职"), choices=Employment.choices)
    organisation = forms.ModelChoiceField(label=gettext_lazy("所在单位"), queryset=None, required=False)
    site = forms.ModelChoiceField(
        label=gettext_lazy("所在企业"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("企业人员选择所在企业，工作区划即企业所在网格。"),
    )
    region = RegionChoiceField(label=gettext_lazy("工作区划"), queryset=None, required=False)
    title = forms.CharField(label=gettext_lazy("职务"), max_length=50, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=500, required=False)
    scoped_fields = {"organisation": _organisations, "site": _sites, "region": _regions}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["is_active"] = forms.BooleanField(label=gettext_lazy("在岗"), required=False)
            for name, masked in (
                ("id_number", self.instance.id_number_masked),
                ("phone", self.instance.phone_masked),
            ):
                if not getattr(self.instance, name) and masked:
                    # Erased by the retention purge (SECURITY.md D6): nothing is registered any more.
                    self.fields[name].help_text = masked
                elif masked:
                    self.fields[name].help_text = gettext_lazy(
                        "已登记：%(masked)s。留空保持不变，填写则替换。"
                    ) % {"masked": masked}

    def initial_from(self, p) -> dict:
        return {
            "name": p.name,
            "gender": p.gender,
            "source": p.source,
            "employment": p.employment,
            "organisation": p.organisation_id,
            "site": p.site_id,
            "region": p.region_id,
            "title": p.title,
            "note": p.note,
            "is_active": p.is_active,
        }


class PostingForm(_ActorForm):
    person = forms.ModelChoiceField(label=gettext_lazy("人员"), queryset=None)
    post = forms.ChoiceField(label=gettext_lazy("岗位"), choices=PostKind.choices)
    operation_category = forms.ChoiceField(
        label=gettext_lazy("特种作业类别"),
        choices=_BLANK + list(OperationCategory.choices),
        required=False,
        help_text=gettext_lazy("特种作业人员岗位必填；须持有该类别有效的特种作业操作证（先培训后上岗）。"),
    )
    region = RegionChoiceField(
        label=gettext_lazy("任职区划"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("网格长、网格员选择巡查的网格；留空为人员的工作区划。"),
    )
    site = forms.ModelChoiceField(label=gettext_lazy("任职企业"), queryset=None, required=False)
    started_on = forms.DateField(label=gettext_lazy("上岗日期"), initial=timezone.localdate, **_DATE)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)
    scoped_fields = {"person": _managed_people, "region": _regions, "site": _sites}


class PostingEndForm(_ActorForm):
    ended_on = forms.DateField(label=gettext_lazy("离岗日期"), initial=timezone.localdate, **_DATE)


class TeamForm(_ActorForm):
    name = forms.CharField(label=gettext_lazy("队伍名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("队伍类型"), choices=TeamKind.choices)
    region = RegionChoiceField(label=gettext_lazy("所属区划"), queryset=None, required=False)
    sector = forms.ModelChoiceField(label=gettext_lazy("行业领域"), queryset=None, required=False)
    site = forms.ModelChoiceField(label=gettext_lazy("所属企业"), queryset=None, required=False)
    organisation = forms.ModelChoiceField(label=gettext_lazy("牵头单位"), queryset=None, required=False)
    leader = forms.ModelChoiceField(label=gettext_lazy("队长"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("队员"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=500, required=False)
    scoped_fields = {
        "region": _regions,
        "sector": _sectors,
        "site": _sites,
        "organisation": _organisations,
        "leader": _managed_people,
        "members": _managed_people,
    }


class TeamEditForm(_ActorForm):
    name = forms.CharField(label=gettext_lazy("队伍名称"), max_length=100)
    organisation = forms.ModelChoiceField(label=gettext_lazy("牵头单位"), queryset=None, required=False)
    leader = forms.ModelChoiceField(label=gettext_lazy("队长"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("队员"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("在用"), required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=500, required=False)
    scoped_fields = {
        "organisation": _organisations,
        "leader": _managed_people,
        "members": _managed_people,
    }

    def initial_from(self, team) -> dict:
        memberships = list(team.memberships.all())
        return {
            "name": team.name,
            "organisation": team.organisation_id,
            "leader": next((m.person_id for m in memberships if m.role == "leader"), None),
            "members": [m.person_id for m in memberships],
            "is_active": team.is_active,
            "note": team.note,
        }


class TrainingForm(_ActorForm):
    kind = forms.ChoiceField(label=gettext_lazy("培训类型"), choices=TrainingKind.choices)
    title = forms.CharField(label=gettext_lazy("培训名称"), max_length=150)
    organiser = forms.ModelChoiceField(label=gettext_lazy("组织单位"), queryset=None)
    site = forms.ModelChoiceField(
        label=gettext_lazy("培训企业"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("企业组织的培训选择企业。"),
    )
    held_on = forms.DateField(label=gettext_lazy("培训日期"), initial=timezone.localdate, **_DATE)
    hours = forms.DecimalField(
        label=gettext_lazy("学时"), max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=200
    )
    location = forms.CharField(label=gettext_lazy("地点"), max_length=100, required=False)
    content = forms.CharField(
        label=gettext_lazy("培训内容"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参训人员（系统内）"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    outside_trainees = forms.IntegerField(
        label=gettext_lazy("其他参训人数"),
        min_value=0,
        max_value=100000,
        initial=0,
        help_text=gettext_lazy("未在系统登记的参训人员人数，计入参训人次。"),
    )
    results = forms.CharField(
        label=gettext_lazy("培训成效"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scoped_fields = {"organiser": _organisations, "site": _sites, "attendees": _visible_people}


class TrainingEditForm(TrainingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organiser"]
        del self.fields["site"]

    def initial_from(self, t) -> dict:
        return {
            "kind": t.kind,
            "title": t.title,
            "held_on": t.held_on,
            "hours": t.hours,
            "location": t.location,
            "content": t.content,
            "attendees": list(t.attendance.values_list("person_id", flat=True)),
            "outside_trainees": t.outside_trainees,
            "results": t.results,
        }


class CertificateForm(_ActorForm):
    person = forms.ModelChoiceField(label=gettext_lazy("持证人"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("证书类型"), choices=CertificateKind.choices)
    category = forms.ChoiceField(
        label=gettext_lazy("作业类别"),
        choices=_BLANK + list(OperationCategory.choices),
        required=False,
        help_text=gettext_lazy("特种作业操作证必填（特种作业目录 11 类）。"),
    )
    item = forms.CharField(label=gettext_lazy("准操项目"), max_length=60, required=False)
    number = forms.CharField(label=gettext_lazy("证书编号"), max_length=40)
    issuing_authority = forms.CharField(label=gettext_lazy("发证机关"), max_length=80, required=False)
    issue_date = forms.DateField(label=gettext_lazy("初领/换证日期"), **_DATE)
    expiry_date = forms.DateField(
        label=gettext_lazy("有效期至"),
        required=False,
        help_text=gettext_lazy("特种作业操作证按发证日期自动计算（6年，每3年复审）；其他证书按证书填写。"),
        **_DATE,
    )
    continuous_since = forms.DateField(
        label=gettext_lazy("连续从事本工种起始日期"),
        required=False,
        help_text=gettext_lazy("连续从事本工种10年以上且无违章的，复审周期可延长至6年。"),
        **_DATE,
    )
    violations = forms.IntegerField(
        label=gettext_lazy("违章记录（次）"), min_value=0, max_value=99, initial=0
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)
    scoped_fields = {"person": _managed_people}


class CertificateReviewForm(_ActorForm):
    reviewed_on = forms.DateField(label=gettext_lazy("复审日期"), initial=timezone.localdate, **_DATE)


class CertificateExtendForm(_ActorForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("确认持证人连续从事本工种10年以上且无违章记录，经发证机关同意延长复审周期"),
    )


class CertificateRevokeForm(_ActorForm):
    reason = forms.CharField(label=gettext_lazy("注销原因"), max_length=300)


class CommendationForm(_ActorForm):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=CommendationKind.choices)
    title = forms.CharField(label=gettext_lazy("表彰名称"), max_length=150)
    awarded_on = forms.DateField(label=gettext_lazy("日期"), initial=timezone.localdate, **_DATE)
    issuer = forms.ModelChoiceField(label=gettext_lazy("表彰单位"), queryset=None)
    document_number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    person = forms.ModelChoiceField(label=gettext_lazy("受表彰人员"), queryset=None, required=False)
    organisation = forms.ModelChoiceField(label=gettext_lazy("受表彰单位"), queryset=None, required=False)
    recipient_site = forms.ModelChoiceField(label=gettext_lazy("受表彰企业"), queryset=None, required=False)
    reason = forms.CharField(
        label=gettext_lazy("事迹"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scoped_fields = {
        "issuer": _organisations,
        "person": _visible_people,
        "organisation": _organisations,
        "recipient_site": lambda actor: selectors.site_choices(actor=actor, capability=Cap.VIEW_PEOPLE),
    }
