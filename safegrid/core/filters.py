import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import AuditEntry, AuditResult


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice filters list only in-scope rows (`scoped_filters`: name → callable(actor)).

    Shared by the UI list, the API list and selectors (one definition per model)."""

    scoped_filters: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        actor = getattr(request, "user", None)
        for name, queryset_for in self.scoped_filters.items():
            self.filters[name].queryset = queryset_for(actor)
        for f in self.form.fields.values():
            if isinstance(f, forms.DecimalField):
                # A number filter compares with an integer column: a value beyond 64 bits matches no row
                # and overflows the database driver (a 500 schemathesis found); refuse it as bad input.
                f.validators += [MinValueValidator(-(2**63)), MaxValueValidator(2**63 - 1)]
            widget = f.widget
            if isinstance(widget, forms.NullBooleanSelect):
                # "全部" rather than Django's "未知" for the empty choice of a yes/no filter.
                widget.choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)


@extend_schema_field(OpenApiTypes.INT)
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """Choose a region (by id, among visible ones); keep rows whose `path_field` lies in its subtree."""

    def __init__(self, *, path_field: str, **kwargs):
        self.path_field = path_field
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


class AuditEntryFilterSet(ScopedFilterSet):
    actor_username = django_filters.CharFilter(label=gettext_lazy("操作账号"), lookup_expr="iexact")
    action = django_filters.CharFilter(label=gettext_lazy("事件"), lookup_expr="startswith")
    object_type = django_filters.CharFilter(label=gettext_lazy("对象类型"))
    result = django_filters.ChoiceFilter(choices=AuditResult.choices, label=gettext_lazy("结果"))
    since = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=gettext_lazy("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=gettext_lazy("截止日期")
    )

    class Meta:
        model = AuditEntry
        fields = ["actor_username", "action", "object_type", "result", "since", "until"]
