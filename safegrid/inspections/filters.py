import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Region

from .choices import InspectionKind, InspectionResult
from .models import Inspection


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
