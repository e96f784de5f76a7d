import django_filters
from django.utils.translation import gettext_lazy

from safegrid.core.filters import ScopedFilterSet
from safegrid.orgs.models import Organisation, Sector

from . import selectors
from .choices import ActionState, MeetingBody, MeetingKind
from .models import ActionItem, Meeting


class MeetingFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=gettext_lazy("会议名称"))
    body = django_filters.ChoiceFilter(choices=MeetingBody.choices, label=gettext_lazy("会议主体"))
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=gettext_lazy("会议类型"))
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.none(), label=gettext_lazy("行业领域"))
    year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year", label=gettext_lazy("年度"))
    date_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=gettext_lazy("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=gettext_lazy("截止日期")
    )
    scoped_filters = {
        "sector": lambda actor: Sector.objects.visible_to(actor),
    }

    class Meta:
        model = Meeting
        fields = ["q", "body", "kind", "sector", "year", "date_from", "date_to"]


class ActionItemFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        field_name="resolution", lookup_expr="icontains", label=gettext_lazy("决议事项")
    )
    state = django_filters.ChoiceFilter(
        choices=ActionState.choices, method="in_state", label=gettext_lazy("办理状态")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(), label=gettext_lazy("责任单位")
    )
    body = django_filters.ChoiceFilter(
        field_name="meeting__body", choices=MeetingBody.choices, label=gettext_lazy("会议主体")
    )
    meeting = django_filters.NumberFilter(field_name="meeting_id", label=gettext_lazy("会议"))
    scoped_filters = {
        "owner": lambda actor: Organisation.objects.visible_to(actor),
    }

    class Meta:
        model = ActionItem
        fields = ["q", "state", "owner", "body", "meeting"]

    def in_state(self, queryset, name, value):
        return selectors.filter_action_state(queryset, value)
