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


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among rows by their code (`to_field_name`), e.g. a sector kind: a string in the API."""


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice filters list only in-scope rows (`scoped_filters`: name → callable(actor)).

    Shared by the UI list, the API list and selectors (one definition per model)."""

    scoped_filters: dict = {}
    # Filters offered only to some actors: name → callable(actor) → bool. For the others the filter
    # is left out (not shown, and its parameter ignored like any unknown one); the API schema lists
    # it (the schema is the same for everyone).
    optional_filters: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        actor = getattr(request, "user", None)
        for name, applies in self.optional_filters.items():
            if not applies(actor):
                del self.filters[name]
        for name, queryset_for in self.scoped_filters.items():
            if name in self.filters:
                self.filters[name].queryset = queryset_for(actor)
        for name, f in self.form.fields.items():
            if isinstance(f, SubtreeChoiceField | ListedChoiceField):
                f.chosen = self._raw(name)
                f.widget.choices = f.choices
            if isinstance(f, ListedChoiceField) and f.narrowed_by:
                narrowing = self.form.fields[f.narrowed_by]
                f.narrowing = (narrowing.queryset, self._raw(f.narrowed_by), narrowing.label)
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

    def _raw(self, name: str):
        """The submitted value of a filter, unvalidated (None when the form is unbound)."""
        return self.form.data.get(self.form.add_prefix(name)) if self.form.is_bound else None


class _ListedRegions(ModelChoiceIterator):
    """The options of a region filter: the upper levels of the visible tree (see SubtreeChoiceField),
    worked out when the options are rendered (an API request never renders them: no query), once
    per form (rendering a Select asks for its options twice: for the required attribute, then for
    the options), read in one plain fetch (not Django's server-side cursor for `iterator()`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region in self.field.listed_regions():
            yield self.choice(region)

    def __len__(self):
        return len(self.field.listed_regions()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed_regions())


class LongSelect(forms.Select):
    """A Select whose options are written by its own template, not included one by one: a
    province-scale drop-down (300 options) renders in a fraction of the time, with the same
    markup. In the app's templates, where the form renderer looks."""

    template_name = "core/widgets/long_select.html"


class SubtreeChoiceField(forms.ModelChoiceField):
    """A region choice whose drop-down lists at most `LISTED_LIMIT` regions: level by level from the
    top of the visible tree (province, city, county, township, grid) while the levels fit, plus the
    region chosen. A county officer sees every township and grid; a province supervisor sees the
    cities and counties instead of 11,000 grids (a page of 11,000 options took seconds to build).
    Any visible region is still accepted (the dashboard's and the map's links name grids)."""

    LISTED_LIMIT = 300
    widget = LongSelect

    def __init__(self, *args, **kwargs):
        self.chosen = None
        self._listed = None
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result

    def listed_regions(self) -> list:
        """The rendered regions (cached per form)."""
        if self._listed is None:
            self._listed = list(self.listed_queryset())
        return self._listed

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
        # An option needs the region's id and name (`Region.__str__`), not its outline (a county's
        # is tens of kilobytes) nor the rest of the row.
        return queryset.filter(condition).select_related(None).only("pk", "name")

    choices = property(lambda self: _ListedRegions(self), forms.ChoiceField.choices.fset)


class _ListedRows(ModelChoiceIterator):
    """The options of a ListedChoiceField: its listed rows, fetched once per form when rendered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.listed_rows():
            yield self.choice(row)

    def __len__(self):
        return len(self.field.listed_rows()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed_rows())


def _digits(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


class ListedChoiceField(forms.ModelChoiceField):
    """A choice among rows that belong to a region (e.g. sectors, `region` and `region_path`)
    whose drop-down stays usable at province scale: every county sets up the same 14 sector
    committees, so a province supervisor would get 1,400 options named alike.

    - Options name their region ("应急管理（崇义县）") when the field's rows span more than one
      region; within one county the plain names stay.
    - At most `LISTED_LIMIT` options are rendered (in the queryset's order), plus the row chosen;
      `narrowed_by` names the region filter of the same form: once a region is chosen, the options
      are the rows of that region, of the regions above it and of those below it. `listed_note`
      explains this when the list was cut.
    - Any row of the queryset is still accepted (validation looks it up in the whole queryset), so a
      link or an API call naming a row beyond the rendered ones still filters.

    Nothing is fetched unless the options are rendered (an API request never renders them)."""

    LISTED_LIMIT = 300
    widget = LongSelect
    # The columns `str(row)` reads (the option's label).
    label_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args, narrowed_by: str | None = None, **kwargs):
        self.narrowed_by = narrowed_by
        # (visible regions, the submitted region id, the region filter's label); set by the filterset.
        self.narrowing = None
        self.chosen = None
        # Whether the options name their region (worked out with the rows, see listed_rows).
        self.many_regions = False
        self._listed = None
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result

    def _narrowing_region(self):
        if self.narrowing is None:
            return None
        regions, raw, _label = self.narrowing
        pk = _digits(raw)
        # Only a visible region narrows (the region filter reports any other value as an error).
        return regions.filter(pk=pk).first() if pk is not None else None

    def listed_rows(self) -> list:
        """The rendered rows, labelled by region where needed (cached per form)."""
        if self._listed is not None:
            return self._listed[0]
        from .scope import ancestor_paths

        # The option labels need the row's name and its region's name: nothing else is read (a
        # province's 300 options with every column of both rows took longer to load than to render).
        queryset = (
            self.queryset.select_related(None)
            .select_related("region")
            .only("pk", *self.label_fields, "region_id", "region__name")
        )
        listed = queryset
        region = self._narrowing_region()
        if region is not None:
            listed = queryset.filter(
                Q(region_path__startswith=region.path) | Q(region_path__in=ancestor_paths(region.path))
            )
        rows = list(listed[: self.LISTED_LIMIT + 1])
        capped = len(rows) > self.LISTED_LIMIT
        rows = rows[: self.LISTED_LIMIT]
        chosen = _digits(self.chosen)
        if chosen is not None and chosen not in {row.pk for row in rows}:
            rows += list(queryset.filter(pk=chosen))
        if capped or region is not None:
            # The rendered rows are not all of them: ask the whole queryset.
            regions = queryset.order_by().values_list("region_id", flat=True).distinct()[:2]
            self.many_regions = len(regions) > 1
        else:
            self.many_regions = len({row.region_id for row in rows}) > 1
        self._listed = (rows, capped)
        return rows

    def listed_note(self) -> str:
        """Help text under the drop-down when it lists only the first `LISTED_LIMIT` rows."""
        self.listed_rows()
        if not self._listed[1]:
            return ""
        if self.narrowing is None:
            return _("选项较多，仅列出前 %(limit)s 个。") % {"limit": self.LISTED_LIMIT}
        return _("选项较多，仅列出前 %(limit)s 个；先选择“%(region)s”可缩小范围。") % {
            "limit": self.LISTED_LIMIT,
            "region": self.narrowing[2],
        }

    def label_from_instance(self, obj) -> str:
        if self.many_regions:
            return _("%(name)s（%(region)s）") % {"name": obj, "region": obj.region.name}
        return str(obj)

    choices = property(lambda self: _ListedRows(self), forms.ChoiceField.choices.fset)


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose a row by id among the queryset's (see ListedChoiceField for the drop-down)."""

    field_class = ListedChoiceField


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
