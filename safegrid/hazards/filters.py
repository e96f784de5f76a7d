import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safegrid.core.filters import CodeChoiceFilter, ListedChoiceFilter, ScopedFilterSet, SubtreeFilter
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Region, Sector

from .choices import DEADLINE_STATUSES, HandlingLevel, HazardAction, HazardGrade, HazardSource, HazardStatus
from .models import Hazard

# Timeline actions that move a hazard up a handling level (by the level itself or by the sweep).
ESCALATION_ACTIONS = (HazardAction.ESCALATE, HazardAction.SWEEP_ESCALATE)


class HazardFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("编号、描述或场所"))
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label=gettext_lazy("状态"))
    grade = django_filters.ChoiceFilter(choices=HazardGrade.choices, label=gettext_lazy("等级"))
    level = django_filters.TypedChoiceFilter(
        choices=HandlingLevel.choices, coerce=int, label=gettext_lazy("处置层级")
    )
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=gettext_lazy("来源"))
    # Every county sets up the same committees: a province's list names each one's county, is cut
    # to its first options and narrowed by the region filter (ListedChoiceField).
    sector = ListedChoiceFilter(
        queryset=Sector.objects.none(),
        field_name="sector_id",
        method="by_sector",
        label=gettext_lazy("行业领域"),
        narrowed_by="within",
    )
    # Above a county: the sector kind across its counties (矿山 of every county), by code.
    sector_code = CodeChoiceFilter(
        queryset=Sector.objects.none(),
        to_field_name="code",
        method="by_sector_code",
        label=gettext_lazy("行业领域类别"),
    )
    within = SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )
    overdue = django_filters.BooleanFilter(method="by_overdue", label=gettext_lazy("逾期"))
    supervised = django_filters.BooleanFilter(label=gettext_lazy("挂牌督办"))
    reported_from = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__gte", label=gettext_lazy("上报起")
    )
    reported_to = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__lte", label=gettext_lazy("上报止")
    )
    closed_from = django_filters.DateFilter(
        field_name="closed_at", lookup_expr="date__gte", label=gettext_lazy("销号起")
    )
    closed_to = django_filters.DateFilter(
        field_name="closed_at", lookup_expr="date__lte", label=gettext_lazy("销号止")
    )
    is_open = django_filters.BooleanFilter(method="by_open", label=gettext_lazy("未销号"))
    escalated = django_filters.BooleanFilter(method="by_escalated", label=gettext_lazy("曾提级"))
    site = django_filters.NumberFilter(field_name="site_id", label=gettext_lazy("场所"))
    scoped_filters = {
        "sector": lambda actor: org_selectors.sector_list(actor=actor),
        "sector_code": lambda actor: org_selectors.sector_kind_list(actor=actor),
        "within": lambda actor: org_selectors.region_list(actor=actor),
    }
    optional_filters = {"sector_code": lambda actor: org_selectors.reads_sector_kinds(actor=actor)}

    class Meta:
        model = Hazard
        fields = [
            "q",
            "status",
            "grade",
            "level",
            "source",
            "sector",
            "sector_code",
            "within",
            "overdue",
            "supervised",
            "reported_from",
            "reported_to",
            "closed_from",
            "closed_to",
            "is_open",
            "escalated",
            "site",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value) | Q(description__icontains=value) | Q(site__name__icontains=value)
        )

    def by_sector(self, queryset, name, value):
        return queryset.filter(sector_id=value.pk) if value else queryset

    def by_sector_code(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(sector_id__in=Sector.objects.filter(code=value.code).values("id"))

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=DEADLINE_STATUSES, deadline__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def by_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status=HazardStatus.CLOSED)
        return queryset.exclude(condition) if value else queryset.filter(condition)

    def by_escalated(self, queryset, name, value):
        """Escalated at least once (提级, by a level or by the overdue sweep): `escalated_at`, set by
        the first escalation."""
        if value is None:
            return queryset
        return queryset.filter(escalated_at__isnull=not value)
