import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safegrid.core.filters import ScopedFilterSet, SubtreeFilter
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Organisation, Region

from .choices import DocumentStatus, DocumentType, PenaltyType
from .models import EnforcementDocument, Penalty


class EnforcementDocumentFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("文书编号或场所"))
    doc_type = django_filters.ChoiceFilter(choices=DocumentType.choices, label=_("文书类型"))
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("状态"))
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.none(), label=_("签发单位"))
    within = SubtreeFilter(queryset=Region.objects.none(), path_field="region_path", label=_("所在区划"))
    since = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("签发起始日期"))
    until = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("签发截止日期"))
    site = django_filters.NumberFilter(field_name="site_id", label=_("场所"))
    scoped_filters = {
        "within": lambda actor: org_selectors.region_list(actor=actor),
        "organisation": lambda actor: org_selectors.organisation_list(actor=actor),
    }

    class Meta:
        model = EnforcementDocument
        fields = ["q", "doc_type", "status", "organisation", "within", "since", "until", "site"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value) | Q(site__name__icontains=value) | Q(party__icontains=value)
        )


class PenaltyFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("当事人、场所或决定书编号"))
    penalty_type = django_filters.ChoiceFilter(choices=PenaltyType.choices, label=_("处罚种类"))
    within = SubtreeFilter(queryset=Region.objects.none(), path_field="region_path", label=_("所在区划"))
    since = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("起始日期"))
    until = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("截止日期"))
    site = django_filters.NumberFilter(field_name="site_id", label=_("场所"))
    scoped_filters = {"within": lambda actor: org_selectors.region_list(actor=actor)}

    class Meta:
        model = Penalty
        fields = ["q", "penalty_type", "within", "since", "until", "site"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(party__icontains=value) | Q(site__name__icontains=value) | Q(decision__number__icontains=value)
        )
