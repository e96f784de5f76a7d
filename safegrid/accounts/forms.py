from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safegrid.core.forms import ActorModelForm
from safegrid.orgs import selectors as org_selectors
from safegrid.sites import selectors as site_selectors

from . import selectors
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

    def clean_username(self):
        # One identity regardless of case and full-/half-width forms (A1); the service and the
        # database check again (a concurrent create), with the same message.
        username = User.normalize_username(self.cleaned_data.get("username", ""))
        if username and selectors.username_taken(username):
            raise forms.ValidationError(_("该用户名已被使用。"))
        return username

    def validate_unique(self):
        # Uniqueness (case- and width-insensitive) is checked above and by the service.
        pass


class LoginForm(AuthenticationForm):
    """One answer for an unknown account, a wrong password and a disabled account (A5: no
    enumeration); the same words as the token API. Names are not case-sensitive (A1)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("用户名或密码错误。"),
    }


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Old password, new password twice; the new one must pass the password rules (A2)."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": gettext_lazy("当前密码不正确，请重新输入。"),
        "password_mismatch": gettext_lazy("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = gettext_lazy("当前密码")
        self.fields["new_password1"].label = gettext_lazy("新密码")
        self.fields["new_password2"].label = gettext_lazy("确认新密码")
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class UserEditForm(ActorModelForm):
    """The phone is never sent back to the browser: the field starts empty with the masked value in
    its help text; left empty it keeps the registered phone, filled in it replaces it."""

    class Meta:
        model = User
        fields = ["display_name", "phone", "email", "organisation", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = org_selectors.organisation_list(
            actor=self.actor, capability=None
        )
        self.initial["phone"] = ""
        masked = self.instance.phone_masked
        if masked:
            kept = gettext_lazy("已登记：%(masked)s。留空保持不变，填写则替换。")
            self.fields["phone"].help_text = kept % {"masked": masked}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone"):
            cleaned.pop("phone", None)  # left empty: keep the registered phone
        return cleaned


class RoleAssignForm(_AssignmentFields):
    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._scope_assignment_fields(actor)
