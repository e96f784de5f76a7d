"""Page forms. Every choice offers only rows the actor may use; the services check again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.hazards.choices import HazardCategory, HazardGrade

from . import selectors
from .choices import (
    DrillKind,
    DrillMode,
    EvaluationConclusion,
    PlaceKind,
    PlanKind,
    ReviewMethod,
    RevisionTrigger,
)

_DATE = forms.DateInput(attrs={"type": "date"})


def _text(label, max_length, rows=3, required=False):
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class _ActorForm(forms.Form):
    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        self.instance = instance
        super().__init__(*args, **kwargs)


class _OwnerMixin:
    """Organisation or site (exactly one; the service says so in Chinese if not)."""

    def setup_owner(self, actor):
        self.fields["organisation"].queryset = selectors.owner_organisation_choices(actor=actor)
        self.fields["site"].queryset = selectors.owner_site_choices(actor=actor)


_OWNER_HELP = gettext_lazy("责任单位为组织机构或企业（场所），二者选其一。")


class PlanCreateForm(_OwnerMixin, _ActorForm):
    kind = forms.ChoiceField(label=gettext_lazy("预案类型"), choices=PlanKind.choices)
    title = forms.CharField(label=gettext_lazy("预案名称"), max_length=150)
    document_number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("编制单位（组织机构）"), queryset=None, required=False, help_text=_OWNER_HELP
    )
    site = forms.ModelChoiceField(label=gettext_lazy("编制单位（企业）"), queryset=None, required=False)
    issued_on = forms.DateField(
        label=gettext_lazy("发布日期"),
        widget=_DATE,
        help_text=gettext_lazy("应自发布之日起 20 个工作日内备案（按法定节假日安排计算）。"),
    )
    note = _text(gettext_lazy("备注"), 2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_owner(self.actor)


class PlanEditForm(_ActorForm):
    kind = forms.ChoiceField(label=gettext_lazy("预案类型"), choices=PlanKind.choices)
    title = forms.CharField(label=gettext_lazy("预案名称"), max_length=150)
    document_number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    note = _text(gettext_lazy("备注"), 2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.initial.update({f: getattr(self.instance, f) for f in self.fields})


class PlanReviewForm(_ActorForm):
    method = forms.ChoiceField(label=gettext_lazy("评审方式"), choices=ReviewMethod.choices)
    reviewed_on = forms.DateField(label=gettext_lazy("评审（论证）日期"), widget=_DATE)
    note = _text(gettext_lazy("评审意见（纪要）"), 4000, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and self.instance.review_required:
            self.initial.setdefault("method", ReviewMethod.REVIEW)
            self.fields["method"].help_text = gettext_lazy("该单位应当组织专家评审，并形成书面纪要。")
        self.initial.setdefault("reviewed_on", timezone.localdate())


class PlanFileForm(_ActorForm):
    filed_on = forms.DateField(label=gettext_lazy("备案日期"), widget=_DATE)
    filed_with = forms.CharField(label=gettext_lazy("备案部门"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("filed_on", timezone.localdate())
        if self.instance is not None:
            self.fields["filed_on"].help_text = gettext_lazy("应备案日期：%(due)s") % {
                "due": f"{self.instance.filing_due:%Y-%m-%d}"
            }


class PlanEvaluateForm(_ActorForm):
    evaluated_on = forms.DateField(label=gettext_lazy("评估日期"), widget=_DATE)
    conclusion = forms.ChoiceField(label=gettext_lazy("评估结论"), choices=EvaluationConclusion.choices)
    note = _text(gettext_lazy("评估意见"), 2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("evaluated_on", timezone.localdate())


class PlanReviseForm(_ActorForm):
    issued_on = forms.DateField(label=gettext_lazy("修订后发布日期"), widget=_DATE)
    triggers = forms.MultipleChoiceField(
        label=gettext_lazy("修订原因"),
        choices=RevisionTrigger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("未完成的修订任务的原因会自动并入。"),
    )
    reason = _text(gettext_lazy("修订说明"), 2000)
    title = forms.CharField(
        label=gettext_lazy("预案名称"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("留空则沿用原名称。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("issued_on", timezone.localdate())


class DrillPlanEntryForm(_OwnerMixin, _ActorForm):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=gettext_lazy("计划月份"), min_value=1, max_value=12, required=False)
    planned_on = forms.DateField(
        label=gettext_lazy("计划日期"),
        widget=_DATE,
        required=False,
        help_text=gettext_lazy("填写计划日期时，年度和月份按该日期确定。"),
    )
    place_kind = forms.ChoiceField(label=gettext_lazy("演练场所类型"), choices=PlaceKind.choices)
    place = forms.CharField(label=gettext_lazy("演练地点"), max_length=100, required=False)
    theme = forms.CharField(label=gettext_lazy("演练主题"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("责任单位（组织机构）"), queryset=None, required=False, help_text=_OWNER_HELP
    )
    site = forms.ModelChoiceField(label=gettext_lazy("责任单位（企业）"), queryset=None, required=False)
    plan = forms.ModelChoiceField(label=gettext_lazy("演练的预案"), queryset=None, required=False)
    note = _text(gettext_lazy("备注"), 2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_owner(self.actor)
        self.fields["plan"].queryset = selectors.plan_choices(actor=self.actor)
        if self.instance is not None:
            del self.fields["organisation"], self.fields["site"]
            self.initial.update(
                {
                    f: getattr(self.instance, f)
                    for f in ("year", "month", "planned_on", "place_kind", "place", "theme", "note")
                }
            )
            self.initial["plan"] = self.instance.plan_id
        else:
            self.initial.setdefault("year", timezone.localdate().year)


class DrillRecordForm(_OwnerMixin, _ActorForm):
    title = forms.CharField(label=gettext_lazy("演练名称"), max_length=150)
    held_on = forms.DateField(label=gettext_lazy("演练日期"), widget=_DATE)
    kind = forms.ChoiceField(label=gettext_lazy("演练规模"), choices=DrillKind.choices)
    mode = forms.ChoiceField(label=gettext_lazy("演练形式"), choices=DrillMode.choices)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("组织单位（组织机构）"), queryset=None, required=False, help_text=_OWNER_HELP
    )
    site = forms.ModelChoiceField(label=gettext_lazy("组织单位（企业）"), queryset=None, required=False)
    place_kind = forms.ChoiceField(label=gettext_lazy("演练场所类型"), choices=PlaceKind.choices)
    place = forms.CharField(label=gettext_lazy("演练地点"), max_length=100, required=False)
    plan = forms.ModelChoiceField(label=gettext_lazy("演练的预案"), queryset=None, required=False)
    plan_entry = forms.ModelChoiceField(label=gettext_lazy("对应的演练计划"), queryset=None, required=False)
    participants = forms.IntegerField(label=gettext_lazy("参演人数"), min_value=1)
    participating_units = _text(gettext_lazy("参演单位"), 1000, rows=2)
    scenario = _text(gettext_lazy("演练情景"), 4000)
    debrief = _text(gettext_lazy("现场点评"), 4000)
    written_evaluation = _text(gettext_lazy("书面评估"), 4000)
    summary = _text(gettext_lazy("总结报告"), 4000)
    submitted_on = forms.DateField(label=gettext_lazy("报送主管部门日期"), widget=_DATE, required=False)
    problems = forms.CharField(
        label=gettext_lazy("发现的问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一条问题；登记后可将问题转为隐患或预案修订任务。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_owner(self.actor)
        self.fields["plan"].queryset = selectors.plan_choices(actor=self.actor)
        self.fields["plan_entry"].queryset = selectors.open_entry_choices(actor=self.actor)
        if self.instance is not None:
            del self.fields["organisation"], self.fields["site"], self.fields["plan_entry"]
            self.fields["problems"].label = gettext_lazy("新发现的问题")
            self.initial.update(
                {
                    f: getattr(self.instance, f)
                    for f in self.fields
                    if f not in ("plan", "problems") and hasattr(self.instance, f)
                }
            )
            self.initial["plan"] = self.instance.plan_id

    def clean_problems(self):
        return [line for line in self.cleaned_data.get("problems", "").splitlines() if line.strip()]


class ProblemHazardForm(_ActorForm):
    category = forms.ChoiceField(label=gettext_lazy("隐患类别"), choices=HazardCategory.choices)
    grade = forms.ChoiceField(label=gettext_lazy("隐患等级"), choices=HazardGrade.choices)
    site = forms.ModelChoiceField(
        label=gettext_lazy("隐患所在场所"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("企业组织的演练默认为该企业；组织机构组织的演练请选择辖区内的场所。"),
    )
    description = _text(gettext_lazy("隐患描述"), 2000, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.hazard_site_choices(actor=self.actor)
        self.initial.setdefault("category", HazardCategory.MANAGEMENT)
        if self.instance is not None:
            self.initial.setdefault("site", self.instance.drill.site_id)


class ProblemRevisionForm(_ActorForm):
    description = _text(gettext_lazy("修订内容"), 2000, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.initial.setdefault("description", self.instance.description)
