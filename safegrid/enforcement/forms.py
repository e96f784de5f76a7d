import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safegrid.accounts.roles import Cap
from safegrid.hazards import selectors as hazard_selectors
from safegrid.inspections import selectors as inspection_selectors
from safegrid.sites import selectors as site_selectors

from . import selectors
from .choices import DocumentType, PenaltyType

_TEXTAREA = {"rows": 4}


class _ActorForm(forms.Form):
    hazard_numbers = forms.CharField(
        label=_("隐患编号"),
        required=False,
        max_length=2000,
        help_text=_("多个编号用逗号、空格或换行分隔；须为本场所的隐患。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_hazard_numbers(self):
        numbers = [n for n in re.split(r"[\s,，、;；]+", self.cleaned_data.get("hazard_numbers") or "") if n]
        if len(numbers) > 100:
            raise forms.ValidationError(gettext("一次最多关联 100 条隐患。"))
        found = {
            h.number: h for h in hazard_selectors.hazard_list(actor=self.actor).filter(number__in=numbers)
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                gettext("未找到隐患：%(numbers)s。") % {"numbers": gettext("、").join(missing[:10])}
            )
        return list({n: found[n] for n in numbers}.values())

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["hazards"] = data.pop("hazard_numbers")
        return data


class _DocumentContent(_ActorForm):
    party = forms.CharField(
        label=_("当事人（被检查单位）"), max_length=100, required=False, help_text=_("不填则使用场所名称。")
    )
    findings = forms.CharField(
        label=_("检查情况 / 违法事实"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    requirements = forms.CharField(
        label=_("处理决定 / 整改要求"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    legal_basis = forms.CharField(
        label=_("法律依据"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DocumentCreateForm(_DocumentContent):
    doc_type = forms.ChoiceField(label=_("文书类型"), choices=DocumentType.choices)
    organisation = forms.ModelChoiceField(label=_("签发单位"), queryset=None)
    site = forms.ModelChoiceField(label=_("场所"), queryset=None)
    inspection = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    field_order = ["doc_type", "organisation", "site", "party", "inspection", "hazard_numbers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.issuer_choices(actor=self.actor)
        self.fields["site"].queryset = site_selectors.site_list(
            actor=self.actor, capability=Cap.ISSUE_ENFORCEMENT
        )
        self.fields["inspection"].queryset = inspection_selectors.inspection_list(actor=self.actor)


class DocumentEditForm(_DocumentContent):
    """A draft's content; the site is fixed once drafted."""

    doc_type = forms.ChoiceField(label=_("文书类型"), choices=DocumentType.choices)
    organisation = forms.ModelChoiceField(label=_("签发单位"), queryset=None)

    field_order = ["doc_type", "organisation", "party", "hazard_numbers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.issuer_choices(actor=self.actor)
        doc = self.instance
        if doc is not None and not self.is_bound:
            self.initial.update(
                doc_type=doc.doc_type,
                organisation=doc.organisation_id,
                party=doc.party,
                findings=doc.findings,
                requirements=doc.requirements,
                legal_basis=doc.legal_basis,
                deadline=doc.deadline,
                hazard_numbers="\n".join(h.number for h in doc.hazards.all()),
            )


class DocumentCorrectForm(_DocumentContent):
    """The content of a correction, prefilled from the issued document it corrects."""

    field_order = ["party", "hazard_numbers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        doc = self.instance
        if doc is not None and not self.is_bound:
            self.initial.update(
                party=doc.party,
                findings=doc.findings,
                requirements=doc.requirements,
                legal_basis=doc.legal_basis,
                deadline=doc.deadline,
                hazard_numbers="\n".join(h.number for h in doc.hazards.all()),
            )


def _decision_label(decision) -> str:
    return gettext("%(number)s（%(party)s）") % {"number": decision.number, "party": decision.party}


class PenaltyForm(_ActorForm):
    site = forms.ModelChoiceField(label=_("场所"), queryset=None)
    decision = forms.ModelChoiceField(label=_("处罚决定书"), queryset=None)
    penalty_type = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyType.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("罚款必填；没收违法所得可填；其他种类不填。"),
    )
    party = forms.CharField(
        label=_("当事人"), max_length=100, required=False, help_text=_("不填则使用决定书的当事人。")
    )
    legal_basis = forms.CharField(
        label=_("法律依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = forms.DateField(
        label=_("决定日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则使用决定书的签发日期。"),
    )

    field_order = ["site", "decision", "penalty_type", "amount", "party", "legal_basis", "decided_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_selectors.site_list(
            actor=self.actor, capability=Cap.ISSUE_ENFORCEMENT
        )
        self.fields["decision"].queryset = selectors.decision_choices(actor=self.actor)
        self.fields["decision"].label_from_instance = _decision_label
