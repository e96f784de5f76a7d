import django_filters
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Region, Sector

from .choices import Channel
from .models import Activity, PublicityPlan


class ActivityFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("活动名称"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=gettext_lazy("宣传形式"))
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=gettext_lazy("截止日期"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sector_id",
        queryset=Sector.objects.none(),
        method="in_sector",
        label=gettext_lazy("行业领域"),
    )
    scoped_filters = {
        "within": lambda actor: Region.objects.visible_to(actor),
        "sector": lambda actor: Sector.objects.visible_to(actor),
    }

    class Meta:
        model = Activity
        fields = ["q", "channel", "date_from", "date_to", "within", "sector"]

    def in_sector(self, queryset, name, value):
        return queryset.filter(sector_id=value.pk)


class PublicityPlanFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("计划名称"))
    year = django_filters.NumberFilter(label=gettext_lazy("年度"))

    class Meta:
        model = PublicityPlan
        fields = ["q", "year"]
