"""FilterSets shared by the support list pages and API lists; choice filters list in-scope rows."""

import django_filters
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Region, Sector

from .choices import FundPurpose
from .models import (
    Expert,
    ExpertEngagement,
    FundAllocation,
    LeadershipResponsibility,
    ResponsibilityEvaluation,
)


def _regions(actor):
    return Region.objects.visible_to(actor)


def _sectors(actor):
    return Sector.objects.visible_to(actor)


class FundAllocationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("资金名称"))
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))
    year_from = django_filters.NumberFilter(
        field_name="year", lookup_expr="gte", label=gettext_lazy("起始年度")
    )
    year_to = django_filters.NumberFilter(
        field_name="year", lookup_expr="lte", label=gettext_lazy("截止年度")
    )
    purpose = django_filters.ChoiceFilter(choices=FundPurpose.choices, label=gettext_lazy("用途"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("区划")
    )
    scoped_filters = {"within": _regions}

    class Meta:
        model = FundAllocation
        fields = ["q", "year", "year_from", "year_to", "purpose", "within"]


class ExpertFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=gettext_lazy("姓名"))
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Sector.objects.none(), label=gettext_lazy("专业领域")
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("在库"))
    scoped_filters = {"specialty": _sectors}

    class Meta:
        model = Expert
        fields = ["q", "specialty", "is_active"]


class ExpertEngagementFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("场所或事项"))
    date_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=gettext_lazy("截止日期")
    )
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("区划")
    )
    scoped_filters = {"within": _regions}

    class Meta:
        model = ExpertEngagement
        fields = ["q", "date_from", "date_to", "within"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(site__name__icontains=value) | Q(purpose__icontains=value))


class EvaluationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="unit__name", lookup_expr="icontains", label=gettext_lazy("被考核单位")
    )
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))

    class Meta:
        model = ResponsibilityEvaluation
        fields = ["q", "year"]


class LeadershipFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="official_name", lookup_expr="icontains", label=gettext_lazy("姓名")
    )
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))

    class Meta:
        model = LeadershipResponsibility
        fields = ["q", "year"]
