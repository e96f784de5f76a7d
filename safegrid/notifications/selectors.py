from django.db.models import QuerySet

from .models import Notification


def notification_list(*, actor) -> QuerySet[Notification]:
    return Notification.objects.visible_to(actor).select_related("hazard", "certificate", "job")


def unread_count(*, actor) -> int:
    return notification_list(actor=actor).filter(read_at__isnull=True).count()
