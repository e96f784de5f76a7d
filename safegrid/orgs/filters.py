import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter

from .choices import GridDutyRole, OrganisationKind, RegionKind
from .models import GridDuty, Organisation, Region, Sector


def _regions(actor):
    return Region.objects.visible_to(actor).exclude(kind=RegionKind.GRID)


def _sectors(actor):
    return Sector.objects.visible_to(actor)


class RegionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("名称或代码"))
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=gettext_lazy("层级"))
    within = SubtreeFilter(queryset=Region.objects.none(), path_field="path", label=gettext_lazy("所在区划"))
    scoped_filters = {"within": _regions}

    class Meta:
        model = Region
        fields = ["q", "kind", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class SectorFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("名称"))

    class Meta:
        model = Sector
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(committee_name__icontains=value))


class OrganisationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("名称"))
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=gettext_lazy("类型"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.none(), label=gettext_lazy("行业领域"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    scoped_filters = {"sector": _sectors, "within": _regions}

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class GridDutyFilterSet(ScopedFilterSet):
    role = django_filters.ChoiceFilter(choices=GridDutyRole.choices, label=gettext_lazy("岗位"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    q = django_filters.CharFilter(
        field_name="person_name", lookup_expr="icontains", label=gettext_lazy("姓名")
    )
    scoped_filters = {"within": _regions}

    class Meta:
        model = GridDuty
        fields = ["role", "within", "q"]
