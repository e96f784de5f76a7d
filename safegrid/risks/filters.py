import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Region, Sector

from .choices import AccidentType, AssessmentMethod, RiskLevel
from .models import RiskPoint


class RiskPointFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("场所或风险点"))
    level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=gettext_lazy("风险等级"))
    method = django_filters.ChoiceFilter(choices=AssessmentMethod.choices, label=gettext_lazy("评估方法"))
    accident_type = django_filters.ChoiceFilter(
        choices=AccidentType.choices, method="with_accident_type", label=gettext_lazy("事故类型")
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sector_id",
        queryset=Sector.objects.none(),
        method="in_sector",
        label=gettext_lazy("行业领域"),
    )
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    site = django_filters.NumberFilter(field_name="site_id", label=gettext_lazy("场所"))
    scoped_filters = {
        "sector": lambda actor: Sector.objects.visible_to(actor),
        "within": lambda actor: Region.objects.visible_to(actor),
    }

    class Meta:
        model = RiskPoint
        fields = ["q", "level", "method", "accident_type", "sector", "within", "site"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(site__name__icontains=value) | Q(name__icontains=value))

    def in_sector(self, queryset, name, value):
        return queryset.filter(sector_id=value.pk)

    def with_accident_type(self, queryset, name, value):
        # JSON "contains" is not supported on SQLite; the codes are plain words, so a quoted match
        # on the stored list is exact.
        return queryset.filter(accident_types__icontains=f'"{value}"')
