import django_filters

from safegrid.core.filters import ScopedFilterSet

from .choices import AttachmentKind
from .models import Attachment


class AttachmentFilterSet(ScopedFilterSet):
    """Narrows an already scoped list; an id outside the scope simply matches nothing."""

    hazard = django_filters.NumberFilter(field_name="hazard_id", label="隐患")
    inspection = django_filters.NumberFilter(field_name="inspection_id", label="检查记录")
    activity = django_filters.NumberFilter(field_name="activity_id", label="宣传活动")
    event = django_filters.NumberFilter(field_name="event_id", label="处置记录")
    kind = django_filters.ChoiceFilter(choices=AttachmentKind.choices, label="附件类型")

    class Meta:
        model = Attachment
        fields = ["hazard", "inspection", "activity", "event", "kind"]
