from django import forms
from django.utils.translation import gettext_lazy

from safegrid.accounts.roles import Cap
from safegrid.core.forms import ActorModelForm
from safegrid.orgs import selectors as org_selectors

from .models import Site
from .services import SITE_EDITABLE, SITE_EDITABLE_BY_SITE_STAFF, normalise_credit_code


class _SiteForm(ActorModelForm):
    credit_code = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40, required=False)

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("credit_code"))


class SiteCreateForm(_SiteForm):
    scoped_fields = {
        "grid": lambda actor: org_selectors.grid_choices(actor=actor, capability=Cap.ADD_SITE),
        "sector": lambda actor: org_selectors.sector_choices(actor=actor, capability=Cap.ADD_SITE),
    }

    class Meta:
        model = Site
        fields = SITE_EDITABLE


class SiteEditForm(_SiteForm):
    scoped_fields = {
        "grid": lambda actor: org_selectors.grid_choices(actor=actor, capability=Cap.CHANGE_SITE),
        "sector": lambda actor: org_selectors.sector_choices(actor=actor, capability=Cap.CHANGE_SITE),
    }

    class Meta:
        model = Site
        fields = SITE_EDITABLE

    def __init__(self, *args, site_staff_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if site_staff_only:
            for name in list(self.fields):
                if name not in SITE_EDITABLE_BY_SITE_STAFF:
                    del self.fields[name]
