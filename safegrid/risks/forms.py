"""Page forms. The factor fields offer only the values of the method's table; the score and level
are computed by the service, never entered."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.sites import selectors as site_selectors

from . import lec, ls
from .choices import AccidentType, AssessmentMethod, ControlLevel, GradingMethod, RiskLevel

_BLANK = [("", "—")]


class AssessmentFields(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("评估方法"), choices=AssessmentMethod.choices)
    l_value = forms.ChoiceField(
        label=gettext_lazy("可能性 L"),
        choices=[
            (gettext_lazy("LEC 法"), lec.choices(lec.L_VALUES)),
            (gettext_lazy("LS 法"), ls.choices(ls.L_VALUES)),
        ],
    )
    e_value = forms.ChoiceField(
        label=gettext_lazy("暴露频繁程度 E（LEC 法）"),
        choices=_BLANK + lec.choices(lec.E_VALUES),
        required=False,
    )
    c_value = forms.ChoiceField(
        label=gettext_lazy("后果 C（LEC 法）"), choices=_BLANK + lec.choices(lec.C_VALUES), required=False
    )
    s_value = forms.ChoiceField(
        label=gettext_lazy("严重性 S（LS 法）"), choices=_BLANK + ls.choices(ls.S_VALUES), required=False
    )
    control_level = forms.ChoiceField(
        label=gettext_lazy("管控层级"),
        choices=_BLANK + list(ControlLevel.choices),
        required=False,
        help_text=gettext_lazy("留空时按风险等级确定：重大、较大风险公司级，一般风险车间级，低风险班组级。"),
    )

    def assessment(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) or None for k in ("method", "l_value", "e_value", "c_value", "s_value")}


class RiskPointForm(AssessmentFields):
    site = forms.ModelChoiceField(label=gettext_lazy("场所"), queryset=None)
    name = forms.CharField(label=gettext_lazy("风险点名称"), max_length=100)
    area = forms.CharField(label=gettext_lazy("所在区域"), max_length=100, required=False)
    accident_types = forms.MultipleChoiceField(
        label=gettext_lazy("可能导致的事故类型"),
        choices=AccidentType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    hazardous_factors = forms.CharField(
        label=gettext_lazy("危险有害因素"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    control_measures = forms.CharField(
        label=gettext_lazy("管控措施"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_person = forms.CharField(label=gettext_lazy("责任人"), max_length=50, required=False)
    review_date = forms.DateField(
        label=gettext_lazy("下次评审日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = [
        "site",
        "name",
        "area",
        "accident_types",
        "hazardous_factors",
        "method",
        "l_value",
        "e_value",
        "c_value",
        "s_value",
        "control_measures",
        "control_level",
        "responsible_person",
        "review_date",
    ]

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_selectors.site_list(actor=actor, capability=Cap.MANAGE_RISK)


class ReassessForm(AssessmentFields):
    control_measures = forms.CharField(
        label=gettext_lazy("管控措施"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = forms.DateField(
        label=gettext_lazy("下次评审日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("评估说明"), max_length=500, required=False)

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.initial.update(
                method=instance.method,
                control_measures=instance.control_measures,
                control_level=instance.control_level,
                review_date=instance.review_date,
            )


class SiteGradingForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("场所"), queryset=None)
    method = forms.ChoiceField(label=gettext_lazy("分级方法"), choices=GradingMethod.choices)
    score = forms.DecimalField(
        label=gettext_lazy("评估得分（百分制）"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
    )
    level = forms.ChoiceField(
        label=gettext_lazy("风险等级"),
        choices=_BLANK + list(RiskLevel.choices),
        required=False,
        help_text=gettext_lazy(
            "诊断分级按得分确定等级（红<60，橙60–75，黄75–90，蓝≥90）；直接判定为红色的填“重大风险”。"
        ),
    )
    graded_on = forms.DateField(
        label=gettext_lazy("分级日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    basis = forms.CharField(label=gettext_lazy("依据及说明"), max_length=500, required=False)

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_selectors.site_list(actor=actor, capability=Cap.MANAGE_RISK)
        self.initial.setdefault("graded_on", timezone.localdate())
