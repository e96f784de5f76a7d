from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(name="safegrid.notifications.tasks.send_notification_emails")
def send_notification_emails(limit: int = 500) -> int:
    """Email the notifications not emailed yet, to recipients with an address (idempotent)."""
    sent = 0
    pending = Notification.objects.filter(emailed_at__isnull=True).select_related("recipient")[:limit]
    for n in pending:
        if n.recipient.email:
            send_mail(f"[SafeGrid] {n.title}", n.body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
            sent += 1
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return sent


@shared_task(name="safegrid.notifications.tasks.due_soon_reminders")
def due_soon_reminders() -> int:
    from .services import notify_due_soon

    return notify_due_soon()


@shared_task(name="safegrid.notifications.tasks.notify_overdue")
def notify_overdue(*, escalated_ids: list[int], noticed_ids: list[int]) -> int:
    """The overdue sweep's notifications, queued by the sweep after it commits (idempotent: once a
    day per recipient, hazard and kind)."""
    from .services import notify_sweep

    return notify_sweep(escalated_ids=escalated_ids, noticed_ids=noticed_ids)
