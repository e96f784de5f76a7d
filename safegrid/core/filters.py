from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Count, Q
from django.forms.models import ModelChoiceIterator
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
        for name, f in self.form.fields.items():
            if isinstance(f, SubtreeChoiceField):
                f.chosen = self.form.data.get(self.form.add_prefix(name)) if self.form.is_bound else None
                f.widget.choices = f.choices
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


class _ListedRegions(ModelChoiceIterator):
    """The options of a region filter: the upper levels of the visible tree (see SubtreeChoiceField),
    worked out when the options are rendered (an API request never renders them: no query)."""

    def __iter__(self):
        self.queryset = self.field.listed_queryset()
        return super().__iter__()

    def __len__(self):
        self.queryset = self.field.listed_queryset()
        return super().__len__()


class SubtreeChoiceField(forms.ModelChoiceField):
    """A region choice whose drop-down lists at most `LISTED_LIMIT` regions: level by level from the
    top of the visible tree (province, city, county, township, grid) while the levels fit, plus the
    region chosen. A county officer sees every township and grid; a province supervisor sees the
    cities and counties instead of 11,000 grids (a page of 11,000 options took seconds to build).
    Any visible region is still accepted (the dashboard's and the map's links name grids)."""

    LISTED_LIMIT = 300

    def __init__(self, *args, **kwargs):
        self.chosen = None
        super().__init__(*args, **kwargs)

    def listed_queryset(self):
        queryset = self.queryset
        per_kind = dict(
            queryset.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
        kinds, listed = [], 0
        for kind in sorted(per_kind):
            if kinds and listed + per_kind[kind] > self.LISTED_LIMIT:
                break
            kinds.append(kind)
            listed += per_kind[kind]
        condition = Q(kind__in=kinds)
        if isinstance(self.chosen, str) and self.chosen.isdigit():
            condition |= Q(pk=int(self.chosen))
        return queryset.filter(condition)

    choices = property(lambda self: _ListedRegions(self), forms.ChoiceField.choices.fset)


@extend_schema_field(OpenApiTypes.INT)
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """Choose a region (by id, among visible ones); keep rows whose `path_field` lies in its subtree."""

    field_class = SubtreeChoiceField

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
