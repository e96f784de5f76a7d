"""List filters (one definition per model, shared by pages and the API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs.models import Organisation, Region, Sector

from .choices import (
    CertificateKind,
    CertificateStatus,
    CommendationKind,
    Employment,
    OperationCategory,
    PersonSource,
    PostKind,
    TeamKind,
    TrainingKind,
)
from .models import Certificate, Commendation, Person, Posting, Team, Training


def _within():
    return SubtreeFilter(
        queryset=Region.objects.none(), path_field="region_path", label=gettext_lazy("所在区划")
    )


def _sector():
    return django_filters.ModelChoiceFilter(
        field_name="sector_id",
        queryset=Sector.objects.none(),
        method="in_sector",
        label=gettext_lazy("行业领域"),
    )


class _PeopleFilterSet(ScopedFilterSet):
    scoped_filters = {
        "sector": lambda actor: Sector.objects.visible_to(actor),
        "within": lambda actor: Region.objects.visible_to(actor),
    }

    def in_sector(self, queryset, name, value):
        return queryset.filter(sector_id=value.pk)


class PersonFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("姓名或职务"))
    source = django_filters.ChoiceFilter(choices=PersonSource.choices, label=gettext_lazy("人员来源"))
    employment = django_filters.ChoiceFilter(choices=Employment.choices, label=gettext_lazy("专兼职"))
    is_active = django_filters.BooleanFilter(label=gettext_lazy("在岗"))
    sector = _sector()
    within = _within()
    site = django_filters.NumberFilter(field_name="site_id", label=gettext_lazy("企业"))

    class Meta:
        model = Person
        fields = ["q", "source", "employment", "is_active", "sector", "within", "site"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(title__icontains=value))


class PostingFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("姓名"))
    post = django_filters.ChoiceFilter(choices=PostKind.choices, label=gettext_lazy("岗位"))
    operation_category = django_filters.ChoiceFilter(
        choices=OperationCategory.choices, label=gettext_lazy("特种作业类别")
    )
    current = django_filters.BooleanFilter(method="is_current", label=gettext_lazy("在岗"))
    uncertified = django_filters.BooleanFilter(method="is_uncertified", label=gettext_lazy("无证上岗"))
    sector = _sector()
    within = _within()

    class Meta:
        model = Posting
        fields = ["q", "post", "operation_category", "current", "uncertified", "sector", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(person__name__icontains=value.strip())

    def is_current(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        current = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return queryset.filter(current) if value else queryset.exclude(current)

    def is_uncertified(self, queryset, name, value):
        from . import selectors

        flagged = selectors.uncertified_operators(actor=getattr(self.request, "user", None)).values("pk")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)


class TeamFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=gettext_lazy("队伍名称"))
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=gettext_lazy("队伍类型"))
    is_active = django_filters.BooleanFilter(label=gettext_lazy("在用"))
    sector = _sector()
    within = _within()

    class Meta:
        model = Team
        fields = ["q", "kind", "is_active", "sector", "within"]


class TrainingFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("培训名称"))
    kind = django_filters.ChoiceFilter(choices=TrainingKind.choices, label=gettext_lazy("培训类型"))
    organiser = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label=gettext_lazy("组织单位")
    )
    date_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=gettext_lazy("截止日期")
    )
    sector = _sector()
    within = _within()
    scoped_filters = {
        **_PeopleFilterSet.scoped_filters,
        "organiser": lambda actor: Organisation.objects.visible_to(actor),
    }

    class Meta:
        model = Training
        fields = ["q", "kind", "organiser", "date_from", "date_to", "sector", "within"]


class CertificateFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("持证人或证书编号"))
    kind = django_filters.ChoiceFilter(choices=CertificateKind.choices, label=gettext_lazy("证书类型"))
    category = django_filters.ChoiceFilter(choices=OperationCategory.choices, label=gettext_lazy("作业类别"))
    status = django_filters.ChoiceFilter(
        choices=CertificateStatus.choices, field_name="status", label=gettext_lazy("状态")
    )
    sector = _sector()
    within = _within()
    person = django_filters.NumberFilter(field_name="person_id", label=gettext_lazy("持证人"))

    class Meta:
        model = Certificate
        fields = ["q", "kind", "category", "status", "sector", "within", "person"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(person__name__icontains=value) | Q(number__icontains=value))


class CommendationFilterSet(_PeopleFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("表彰名称"))
    kind = django_filters.ChoiceFilter(choices=CommendationKind.choices, label=gettext_lazy("类型"))
    year = django_filters.NumberFilter(
        field_name="awarded_on", lookup_expr="year", label=gettext_lazy("年度")
    )
    within = _within()
    scoped_filters = {"within": lambda actor: Region.objects.visible_to(actor)}

    class Meta:
        model = Commendation
        fields = ["q", "kind", "year", "within"]
