from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.orgs import selectors as org_selectors
from safegrid.sites import selectors as site_selectors

from . import selectors
from .choices import InspectionKind, InspectionResult


class InspectionForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("场所"), queryset=None)
    kind = forms.ChoiceField(label=gettext_lazy("检查类型"), choices=InspectionKind.choices)
    inspected_on = forms.DateField(
        label=gettext_lazy("检查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    organisation = forms.ModelChoiceField(label=gettext_lazy("检查单位"), queryset=None, required=False)
    inspectors = forms.CharField(label=gettext_lazy("检查人员"), max_length=200)
    checklist = forms.ModelChoiceField(
        label=gettext_lazy("检查表"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("选择检查表且不填写检查项目时，按检查表逐项记为“符合”。"),
    )
    items = forms.CharField(
        label=gettext_lazy("检查项目（每行一项）"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result = forms.ChoiceField(label=gettext_lazy("检查结论"), choices=InspectionResult.choices)
    summary = forms.CharField(
        label=gettext_lazy("情况说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = site_selectors.site_list(actor=actor, capability=Cap.ADD_INSPECTION)
        self.fields["organisation"].queryset = org_selectors.organisation_list(actor=actor)
        self.fields["checklist"].queryset = selectors.checklist_active_list(actor=actor)
        self.initial.setdefault("inspected_on", timezone.localdate())
