import datetime

from django.urls import reverse
from django.utils import timezone

from safegrid.hazards import services
from safegrid.notifications.models import Notification
from safegrid.notifications.services import notify_due_soon


def test_assignment_tells_the_unit_and_escalation_tells_the_next_level(
    world, django_capture_on_commit_callbacks
):
    hazard = world.hazards["g11"]
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_escalate(actor=world.users["township1"], hazard=hazard, reason="需行业处置")
    assert set(Notification.objects.values_list("recipient__username", "kind")) == {
        ("sector_mining", "escalated")
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_assign(
            actor=world.users["sector_mining"],
            hazard=hazard,
            grade="general",
            responsible_org=world.org_t1,
            responsible_person="王",
            deadline=timezone.localdate() + datetime.timedelta(days=2),
        )
    assert ("enterprise11", "assigned") in set(
        Notification.objects.values_list("recipient__username", "kind")
    )


def test_due_soon_reminders_are_once_a_day(world, django_capture_on_commit_callbacks):
    hazard = world.hazards["g11"]
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_assign(
            actor=world.users["township1"],
            hazard=hazard,
            grade="general",
            responsible_org=world.org_t1,
            responsible_person="王",
            deadline=timezone.localdate() + datetime.timedelta(days=2),
        )
    assert notify_due_soon() == 1
    assert notify_due_soon() == 0
    assert Notification.objects.filter(kind="due_soon").count() == 1


def test_inbox_is_private_and_shows_unread_count(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_escalate(actor=world.users["township1"], hazard=world.hazards["g11"], reason="x")
    client.force_login(world.users["sector_mining"])
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert world.hazards["g11"].number in page
    client.force_login(world.users["office"])
    assert world.hazards["g11"].number not in client.get(reverse("notifications:inbox")).content.decode()
    client.force_login(world.users["sector_mining"])
    client.post(reverse("notifications:mark_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_notifications_are_emailed_when_email_is_configured(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SAFEGRID_EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sector = world.users["sector_mining"]
    sector.email = "mining@example.gov.cn"
    sector.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_escalate(
            actor=world.users["township1"], hazard=world.hazards["g11"], reason="需行业处置"
        )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["mining@example.gov.cn"],
            f"[SafeGrid] 隐患 {world.hazards['g11'].number} 已提级到您的处置层级，请重新交办",
        )
    ]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_no_email_without_configuration(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_escalate(actor=world.users["township1"], hazard=world.hazards["g11"], reason="x")
    assert mailoutbox == []
