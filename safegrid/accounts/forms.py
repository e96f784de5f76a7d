from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.core.forms import ActorModelForm
from safegrid.orgs import selectors as org_selectors
from safegrid.sites import selectors as site_selectors

from .models import User
from .roles import Cap, Role


def _manageable_regions(actor):
    return org_selectors.region_list(actor=actor, capability=Cap.MANAGE_USER)


class _AssignmentFields(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    region = forms.ModelChoiceField(
        label=gettext_lazy("管辖区划"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("企业安全管理员可不填，按所属场所确定。"),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("行业领域"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("行业监管人员必须选择。"),
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("场所"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("仅企业安全管理员需要。"),
    )

    def _scope_assignment_fields(self, actor):
        self.fields["region"].queryset = _manageable_regions(actor)
        self.fields["sectors"].queryset = org_selectors.sector_list(actor=actor, capability=Cap.VIEW_SECTOR)
        self.fields["site"].queryset = site_selectors.site_list(actor=actor, capability=None)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("region"):
            site = cleaned.get("site")
            if site is not None:
                cleaned["region"] = site.grid
            elif "region" not in self.errors:
                self.add_error("region", _("请选择管辖区划。"))
        return cleaned


class UserCreateForm(_AssignmentFields, ActorModelForm):
    password1 = forms.CharField(
        label=gettext_lazy("初始密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=gettext_lazy("确认密码"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone", "email", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_assignment_fields(self.actor)
        self.fields["organisation"].queryset = org_selectors.organisation_list(
            actor=self.actor, capability=None
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned

    def validate_unique(self):
        # Uniqueness (case- and width-insensitive) is the service's job; it gives one clear message.
        pass


class UserEditForm(ActorModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "email", "organisation", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = org_selectors.organisation_list(
            actor=self.actor, capability=None
        )


class RoleAssignForm(_AssignmentFields):
    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._scope_assignment_fields(actor)
