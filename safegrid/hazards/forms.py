from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.forms import MultipleFileField, MultipleFileInput
from safegrid.inspections import selectors as inspection_selectors
from safegrid.orgs import selectors as org_selectors
from safegrid.sites import selectors as site_selectors

from .choices import HazardCategory, HazardGrade, HazardSource


def criterion_choices(criteria) -> list:
    """Select options for criteria, one group per instrument."""
    groups: dict[str, list] = {}
    for c in criteria:
        groups.setdefault(str(c.instrument), []).append((c.pk, f"{c.article}{c.item} {c.text[:40]}"))
    return [("", "---------"), *groups.items()]


class _ActorForm(forms.Form):
    def __init__(self, *args, actor, hazard=None, **kwargs):
        self.actor = actor
        self.hazard = hazard
        super().__init__(*args, **kwargs)


class HazardReportForm(_ActorForm):
    site = forms.ModelChoiceField(label=gettext_lazy("场所"), queryset=None)
    category = forms.ChoiceField(label=gettext_lazy("隐患类别"), choices=HazardCategory.choices)
    grade = forms.ChoiceField(
        label=gettext_lazy("初判等级"), choices=HazardGrade.choices, initial=HazardGrade.GENERAL
    )
    source = forms.ChoiceField(
        label=gettext_lazy("来源"), choices=HazardSource.choices, initial=HazardSource.PATROL
    )
    description = forms.CharField(
        label=gettext_lazy("隐患描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    location = forms.CharField(label=gettext_lazy("具体位置"), max_length=200, required=False)
    longitude = forms.DecimalField(
        label=gettext_lazy("经度"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("纬度"),
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.HiddenInput,
    )
    criterion = forms.ModelChoiceField(
        label=gettext_lazy("对应重大事故隐患判定标准"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("选择后按重大隐患上报，由行业领域安委会及以上层级处置。"),
    )
    inspection = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(
        label=gettext_lazy("现场照片"),
        required=False,
        help_text=gettext_lazy("可拍照或从相册选择，最多 10 张。"),
    )
    on_the_spot = forms.BooleanField(
        label=gettext_lazy("已立即整改（一般隐患现场整改完毕，直接销号）"), required=False
    )
    rectification_note = forms.CharField(
        label=gettext_lazy("现场整改情况"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photos_after = MultipleFileField(label=gettext_lazy("整改后照片（立即整改时必传）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_selectors.site_list(
            actor=self.actor, capability=Cap.REPORT_HAZARD
        )
        self.fields["inspection"].queryset = inspection_selectors.inspection_list(actor=self.actor)
        criteria = inspection_selectors.criterion_current_list(actor=self.actor)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].choices = criterion_choices(criteria)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("on_the_spot"):
            if cleaned.get("grade") == HazardGrade.MAJOR or cleaned.get("criterion"):
                self.add_error("on_the_spot", _("重大隐患不能立即整改销号。"))
            if not (cleaned.get("rectification_note") or "").strip():
                self.add_error("rectification_note", _("请说明现场整改情况。"))
            if not cleaned.get("photos"):
                self.add_error("photos", _("立即整改须上传整改前照片。"))
            if not cleaned.get("photos_after"):
                self.add_error("photos_after", _("立即整改须上传整改后照片。"))
        return cleaned


class AssignForm(_ActorForm):
    grade = forms.ChoiceField(label=gettext_lazy("隐患等级"), choices=HazardGrade.choices)
    responsible_org = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=None)
    responsible_person = forms.CharField(label=gettext_lazy("责任人"), max_length=30)
    deadline = forms.DateField(
        label=gettext_lazy("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    workdays = forms.IntegerField(
        label=gettext_lazy("或：工作日数"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=gettext_lazy("按法定节假日安排计算，填写后忽略上面的日期。"),
    )
    measures = forms.CharField(
        label=gettext_lazy("整改措施"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    funds = forms.DecimalField(
        label=gettext_lazy("整改资金（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    emergency_plan = forms.CharField(
        label=gettext_lazy("应急预案"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=gettext_lazy("交办意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = org_selectors.organisation_list(actor=self.actor)
        if self.hazard is not None:
            self.initial.setdefault("grade", self.hazard.grade)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("deadline") and not cleaned.get("workdays") and not self.errors:
            self.add_error("deadline", _("请填写整改期限或工作日数。"))
        return cleaned


class StartForm(_ActorForm):
    measures = forms.CharField(
        label=gettext_lazy("整改措施"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    funds = forms.DecimalField(
        label=gettext_lazy("整改资金（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    emergency_plan = forms.CharField(
        label=gettext_lazy("应急预案"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hazard is not None:
            self.initial.update(
                measures=self.hazard.measures,
                funds=self.hazard.funds,
                emergency_plan=self.hazard.emergency_plan,
            )

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        for key in ("measures", "emergency_plan"):
            if not data.get(key):
                data[key] = None
        return data


class SubmitForm(_ActorForm):
    rectification_note = forms.CharField(
        label=gettext_lazy("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(
        label=gettext_lazy("整改佐证（照片或 PDF）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class VerifyForm(_ActorForm):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("复查结论"),
        choices=[("1", gettext_lazy("通过，予以销号")), ("0", gettext_lazy("不通过，退回整改"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("复查意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(_ActorForm):
    reason = forms.CharField(
        label=gettext_lazy("提级原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(_ActorForm):
    deadline = forms.DateField(
        label=gettext_lazy("新的整改期限"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=gettext_lazy("延期原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS = {
    "assign": AssignForm,
    "start": StartForm,
    "submit": SubmitForm,
    "verify": VerifyForm,
    "escalate": EscalateForm,
    "extend": ExtendForm,
}
