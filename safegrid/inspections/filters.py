import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Region

from .choices import InspectionKind, InspectionResult
from .models import Checklist, Criterion, Inspection
from .selectors import sector_code_q


class InspectionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("场所或检查人员"))
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=gettext_lazy("检查类型"))
    result = django_filters.ChoiceFilter(choices=InspectionResult.choices, label=gettext_lazy("结论"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    since = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="lte", label=gettext_lazy("截止日期")
    )
    site = django_filters.NumberFilter(field_name="site_id", label=gettext_lazy("场所"))
    scoped_filters = {"within": lambda actor: org_selectors.region_list(actor=actor)}

    class Meta:
        model = Inspection
        fields = ["q", "kind", "result", "within", "since", "until", "site"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(site__name__icontains=value) | Q(inspectors__icontains=value))


class CriterionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("关键词"))
    sector = django_filters.CharFilter(method="by_sector", label=gettext_lazy("行业代码"))
    instrument = django_filters.NumberFilter(field_name="instrument_id", label=gettext_lazy("判定标准文件"))
    current = django_filters.BooleanFilter(method="by_current", label=gettext_lazy("现行有效"))

    class Meta:
        model = Criterion
        fields = ["q", "sector", "instrument", "current"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(text__icontains=value)
            | Q(article__icontains=value)
            | Q(instrument__name__icontains=value)
            | Q(instrument__number__icontains=value)
        )

    def by_sector(self, queryset, name, value):
        return queryset.filter(sector_code_q("instrument__sector_codes", value))

    def by_current(self, queryset, name, value):
        current = Q(superseded_by__isnull=True, instrument__superseded_by__isnull=True)
        return queryset.filter(current) if value else queryset.exclude(current)


class ChecklistFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("关键词"))
    sector = django_filters.CharFilter(method="by_sector", label=gettext_lazy("行业代码"))
    active = django_filters.BooleanFilter(field_name="active", label=gettext_lazy("启用"))

    class Meta:
        model = Checklist
        fields = ["q", "sector", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(items__text__icontains=value)).distinct()

    def by_sector(self, queryset, name, value):
        """A sector's own lists plus the general ones (no sector)."""
        return queryset.filter(Q(sector_code=value) | Q(sector_code__isnull=True))
