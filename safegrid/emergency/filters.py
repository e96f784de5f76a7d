"""FilterSets shared by the UI lists, the API lists and selectors."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Region, Sector

from .choices import DrillKind, DrillMode, FilingStatus, PlaceKind, PlanKind
from .models import DrillPlanEntry, DrillRecord, EmergencyPlan


def _in_sector(queryset, name, value):
    return queryset.filter(sector_id=value.pk)


def _within():
    return SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )


def _sector():
    return django_filters.ModelChoiceFilter(
        field_name="sector_id",
        queryset=Sector.objects.none(),
        method=_in_sector,
        label=gettext_lazy("行业领域"),
    )


_SCOPED = {
    "within": lambda actor: Region.objects.visible_to(actor),
    "sector": lambda actor: Sector.objects.visible_to(actor),
}


class EmergencyPlanFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("预案名称"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=gettext_lazy("预案类型"))
    filing = django_filters.ChoiceFilter(
        choices=FilingStatus.choices, method="by_filing", label=gettext_lazy("备案情况")
    )
    owner = django_filters.ChoiceFilter(
        choices=[("organisation", gettext_lazy("组织机构")), ("site", gettext_lazy("企业（场所）"))],
        method="by_owner",
        label=gettext_lazy("编制单位"),
    )
    within = _within()
    sector = _sector()
    scoped_filters = _SCOPED

    class Meta:
        model = EmergencyPlan
        fields = ["q", "kind", "filing", "owner", "within", "sector"]

    def by_filing(self, queryset, name, value):
        today = timezone.localdate()
        condition = {
            FilingStatus.ON_TIME: Q(filed_on__isnull=False, filed_on__lte=F("filing_due")),
            FilingStatus.LATE: Q(filed_on__isnull=False, filed_on__gt=F("filing_due")),
            FilingStatus.DUE: Q(filed_on__isnull=True, filing_due__gte=today),
            FilingStatus.OVERDUE: Q(filed_on__isnull=True, filing_due__lt=today),
        }[value]
        return queryset.filter(condition)

    def by_owner(self, queryset, name, value):
        return queryset.filter(site__isnull=value != "site")


class DrillPlanEntryFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="theme", lookup_expr="icontains", label=gettext_lazy("演练主题"))
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))
    place_kind = django_filters.ChoiceFilter(choices=PlaceKind.choices, label=gettext_lazy("演练场所类型"))
    held = django_filters.BooleanFilter(
        field_name="record", lookup_expr="isnull", exclude=True, label=gettext_lazy("已演练")
    )
    within = _within()
    sector = _sector()
    scoped_filters = _SCOPED

    class Meta:
        model = DrillPlanEntry
        fields = ["q", "year", "place_kind", "held", "within", "sector"]


class DrillRecordFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("演练名称"))
    kind = django_filters.ChoiceFilter(choices=DrillKind.choices, label=gettext_lazy("演练规模"))
    mode = django_filters.ChoiceFilter(choices=DrillMode.choices, label=gettext_lazy("演练形式"))
    place_kind = django_filters.ChoiceFilter(choices=PlaceKind.choices, label=gettext_lazy("演练场所类型"))
    date_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=gettext_lazy("截止日期")
    )
    within = _within()
    sector = _sector()
    scoped_filters = _SCOPED

    class Meta:
        model = DrillRecord
        fields = ["q", "kind", "mode", "place_kind", "date_from", "date_to", "within", "sector"]
