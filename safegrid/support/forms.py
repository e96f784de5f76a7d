"""Page forms. Every choice offers only rows the actor may use; the services check again."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.forms import region_label
from safegrid.hazards.choices import HazardCategory, HazardGrade

from . import selectors
from .choices import FundPurpose

_DATE = forms.DateInput(attrs={"type": "date"})
_TEXT = forms.Textarea(attrs={"rows": 3})


def _year_field():
    return forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)


class _ActorForm(forms.Form):
    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.setup()
        if instance is not None:
            self.initial.update(self.initial_from(instance))

    def setup(self) -> None:
        pass

    def initial_from(self, instance) -> dict:
        return {name: getattr(instance, name, None) for name in self.fields}


class FundAllocationForm(_ActorForm):
    year = _year_field()
    title = forms.CharField(label=gettext_lazy("资金名称"), max_length=100)
    purpose = forms.ChoiceField(label=gettext_lazy("用途"), choices=FundPurpose.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("安排金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    region = forms.ModelChoiceField(label=gettext_lazy("区划"), queryset=None)
    sector = forms.ModelChoiceField(label=gettext_lazy("行业领域"), queryset=None, required=False)
    source = forms.CharField(label=gettext_lazy("资金来源"), max_length=100, required=False)
    document_number = forms.CharField(label=gettext_lazy("文件文号"), max_length=60, required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=2000, required=False, widget=_TEXT)

    def setup(self):
        self.fields["region"].queryset = selectors.fund_region_choices(actor=self.actor)
        self.fields["region"].label_from_instance = region_label
        self.fields["sector"].queryset = selectors.sector_choices(
            actor=self.actor, capability=Cap.MANAGE_FUNDS
        )
        if self.instance is None:
            self.initial.setdefault("year", timezone.localdate().year)

    def initial_from(self, instance):
        data = super().initial_from(instance)
        data.update(region=instance.region_id, sector=instance.sector_id)
        return data


class ExpenditureForm(_ActorForm):
    spent_on = forms.DateField(label=gettext_lazy("支出日期"), widget=_DATE)
    amount = forms.DecimalField(
        label=gettext_lazy("支出金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    description = forms.CharField(label=gettext_lazy("支出事项"), max_length=200)
    payee = forms.CharField(label=gettext_lazy("收款单位"), max_length=100, required=False)

    def setup(self):
        self.initial.setdefault("spent_on", timezone.localdate())

    def initial_from(self, instance):
        return {}  # `instance` is the allocation: a new expenditure starts empty


class ExpertForm(_ActorForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    region = forms.ModelChoiceField(label=gettext_lazy("县（区）"), queryset=None)
    specialties = forms.ModelMultipleChoiceField(
        label=gettext_lazy("专业领域"), queryset=None, required=False
    )
    expertise = forms.CharField(label=gettext_lazy("专长"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("职称"), max_length=50, required=False)
    employer = forms.CharField(label=gettext_lazy("工作单位"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    user = forms.ModelChoiceField(label=gettext_lazy("登录账号"), queryset=None, required=False)
    is_active = forms.BooleanField(label=gettext_lazy("在库"), required=False, initial=True)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=2000, required=False, widget=_TEXT)

    def setup(self):
        self.fields["specialties"].queryset = selectors.sector_choices(
            actor=self.actor, capability=Cap.MANAGE_EXPERTS
        )
        self.fields["user"].queryset = selectors.expert_user_choices(actor=self.actor)
        if self.instance is None:
            self.fields["region"].queryset = selectors.pool_region_choices(actor=self.actor)
            self.fields["region"].label_from_instance = region_label
        else:
            del self.fields["region"]  # the county of a pool entry is fixed
            # The stored phone is never sent back to the browser: blank keeps it.
            self.fields["phone"].help_text = _("当前：%(masked)s。留空则不修改。") % {
                "masked": self.instance.masked_phone or "—"
            }

    def initial_from(self, instance):
        data = super().initial_from(instance)
        data.update(
            phone="",
            user=instance.user_id,
            specialties=[s.pk for s in instance.specialties.all()],
        )
        return data


class EngagementForm(_ActorForm):
    site = forms.ModelChoiceField(label=gettext_lazy("服务场所"), queryset=None)
    experts = forms.ModelMultipleChoiceField(label=gettext_lazy("专家"), queryset=None)
    purpose = forms.CharField(label=gettext_lazy("服务事项"), max_length=200)
    start_date = forms.DateField(label=gettext_lazy("开始日期"), widget=_DATE)
    end_date = forms.DateField(label=gettext_lazy("结束日期"), widget=_DATE)
    cost = forms.DecimalField(
        label=gettext_lazy("费用（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0"), initial=0
    )
    report = forms.CharField(
        label=gettext_lazy("服务报告"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def setup(self):
        self.fields["site"].queryset = selectors.engagement_site_choices(actor=self.actor)
        self.fields["experts"].queryset = selectors.engagement_expert_choices(actor=self.actor)

    def initial_from(self, instance):
        data = super().initial_from(instance)
        data.update(site=instance.site_id, experts=[e.pk for e in instance.experts.all()])
        return data


class FindingForm(_ActorForm):
    description = forms.CharField(
        label=gettext_lazy("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    location = forms.CharField(label=gettext_lazy("具体位置"), max_length=200, required=False)

    def initial_from(self, instance):
        return {}


class RaiseHazardForm(_ActorForm):
    category = forms.ChoiceField(label=gettext_lazy("隐患类别"), choices=HazardCategory.choices)
    grade = forms.ChoiceField(label=gettext_lazy("隐患等级"), choices=HazardGrade.choices)

    def initial_from(self, instance):
        return {}


class EvaluationForm(_ActorForm):
    unit = forms.ModelChoiceField(label=gettext_lazy("被考核单位"), queryset=None)
    year = _year_field()
    items = forms.CharField(
        label=gettext_lazy("考核项目"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("每行一项：考核项目|满分|得分|备注，例如：隐患排查治理|20|18|台账完整。"),
    )
    evaluator = forms.CharField(label=gettext_lazy("考核单位"), max_length=100)
    vetoed = forms.BooleanField(label=gettext_lazy("一票否决"), required=False)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=2000, required=False, widget=_TEXT)

    def setup(self):
        if self.instance is None:
            self.fields["unit"].queryset = selectors.unit_choices(actor=self.actor)
            self.initial.setdefault("year", timezone.localdate().year - 1)
        else:
            del self.fields["unit"], self.fields["year"]  # unit and year are fixed

    def initial_from(self, instance):
        lines = [
            "|".join([i["item"], i["max_score"], i["score"], i.get("note", "")]).rstrip("|")
            for i in instance.items
        ]
        return {
            "items": "\n".join(lines),
            "evaluator": instance.evaluator,
            "vetoed": instance.vetoed,
            "note": instance.note,
        }

    def clean_items(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) not in (3, 4):
                raise forms.ValidationError(_("第 %(n)s 行应为“考核项目|满分|得分|备注”。") % {"n": n})
            rows.append(
                {
                    "item": parts[0],
                    "max_score": parts[1],
                    "score": parts[2],
                    "note": parts[3] if len(parts) > 3 else "",
                }
            )
        return rows


class WeightForm(_ActorForm):
    region = forms.ModelChoiceField(label=gettext_lazy("县（区）"), queryset=None)
    year = _year_field()
    weight = forms.DecimalField(
        label=gettext_lazy("分值权重"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def setup(self):
        if self.instance is None:
            self.fields["region"].queryset = selectors.weight_region_choices(actor=self.actor)
            self.fields["region"].label_from_instance = region_label
            self.initial.setdefault("year", timezone.localdate().year)
        else:
            del self.fields["region"], self.fields["year"]


class LeadershipForm(_ActorForm):
    official_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    post = forms.CharField(label=gettext_lazy("职务"), max_length=100)
    organisation = forms.ModelChoiceField(label=gettext_lazy("所在单位"), queryset=None)
    year = _year_field()
    is_first_responsible = forms.BooleanField(label=gettext_lazy("第一责任人"), required=False)
    portfolio = forms.CharField(label=gettext_lazy("分管工作"), max_length=300, required=False)
    responsibilities = forms.CharField(
        label=gettext_lazy("安全生产职责"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    letter_signed_on = forms.DateField(label=gettext_lazy("责任书签订日期"), required=False, widget=_DATE)

    def setup(self):
        self.fields["organisation"].queryset = selectors.unit_choices(actor=self.actor)
        if self.instance is None:
            self.initial.setdefault("year", timezone.localdate().year)

    def initial_from(self, instance):
        data = super().initial_from(instance)
        data["organisation"] = instance.organisation_id
        return data
