import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Region, Sector

from .choices import BusinessStatus, SiteCategory, SiteKind
from .models import Site


class SiteFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("名称、地址或信用代码"))
    category = django_filters.ChoiceFilter(choices=SiteCategory.choices, label=gettext_lazy("类别"))
    kind = django_filters.ChoiceFilter(choices=SiteKind.choices, label=gettext_lazy("场所类型"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.none(), label=gettext_lazy("行业领域"))
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    is_key = django_filters.BooleanFilter(label=gettext_lazy("重点场所"))
    business_status = django_filters.ChoiceFilter(
        choices=BusinessStatus.choices, label=gettext_lazy("经营状态")
    )
    inspected_from = django_filters.DateFilter(method="by_inspected", label=gettext_lazy("检查起"))
    inspected_to = django_filters.DateFilter(method="by_inspected", label=gettext_lazy("检查止"))
    scoped_filters = {
        "sector": lambda actor: Sector.objects.visible_to(actor),
        "within": lambda actor: Region.objects.visible_to(actor),
    }

    class Meta:
        model = Site
        fields = [
            "q",
            "category",
            "kind",
            "sector",
            "within",
            "is_key",
            "business_status",
            "inspected_from",
            "inspected_to",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(credit_code=value.upper())
        )

    def by_inspected(self, queryset, name, value):
        """Sites with at least one inspection in the range (both dates included): places inspected.
        Both ends apply to the same inspection, so the condition is built once from both."""
        data = self.form.cleaned_data
        start, end = data.get("inspected_from"), data.get("inspected_to")
        if value is None or (name == "inspected_to" and start is not None):
            return queryset
        from safegrid.inspections.models import Inspection

        inspections = Inspection.objects.filter(site=OuterRef("pk"))
        if start is not None:
            inspections = inspections.filter(inspected_on__gte=start)
        if end is not None:
            inspections = inspections.filter(inspected_on__lte=end)
        return queryset.filter(Exists(inspections))
