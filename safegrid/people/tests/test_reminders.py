"""Certificate reminders in the inbox (DOMAIN.md §6: the holder applies within 60 days before the
review or expiry date): exactly when the window opens, to exactly the right people, once."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from conftest import make_user
from safegrid.accounts.models import User
from safegrid.accounts.roles import Role
from safegrid.notifications.models import Notification
from safegrid.notifications.services import notify_certificates_due
from safegrid.people import services
from safegrid.people.tasks import certificate_reminders

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)
ISSUED = datetime.date(2023, 3, 15)
REVIEW = datetime.date(2026, 3, 15)  # issue + 3 years
EXPIRY = datetime.date(2029, 3, 15)  # issue + 6 years


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 7, 10, tzinfo=SHANGHAI), tick=False
    )


def site_holder(world, *, number: str = "T202303150001"):
    """An electrician of 横水钨矿 with a login of his own, certified on ISSUED."""
    with at(ISSUED):
        person = services.person_create(
            actor=world.users["office"],
            name="周师傅",
            source="enterprise",
            employment="full_time",
            site=world.site11_mine,
        )
        cert = services.certificate_create(
            actor=world.users["office"],
            person=person,
            kind="special_operation",
            category="electrical",
            number=number,
            issue_date=ISSUED,
        )
    login = User.objects.create(username="zhou", display_name="周师傅")
    person.user = login
    person.save(update_fields=["user"])
    return cert


def township_holder(world):
    """A welder registered in grid G11 without a site (e.g. a freelance worker), no login."""
    with at(ISSUED):
        person = services.person_create(
            actor=world.users["office"],
            name="吴师傅",
            source="grid_worker",
            employment="part_time",
            region=world.g11,
        )
        return services.certificate_create(
            actor=world.users["office"],
            person=person,
            kind="special_operation",
            category="welding",
            number="T202303150002",
            issue_date=ISSUED,
        )


def sent(cert=None) -> set[tuple[str, str]]:
    qs = Notification.objects.all()
    if cert is not None:
        qs = qs.filter(certificate=cert)
    return set(qs.values_list("recipient__username", "kind"))


def test_no_reminder_sixty_one_days_before_the_review(world):
    site_holder(world)
    with at(REVIEW - 61 * DAY):
        assert notify_certificates_due() == 0
    assert sent() == set()


def test_review_reminder_exactly_sixty_days_before_goes_to_holder_and_enterprise(world):
    cert = site_holder(world)
    with at(REVIEW - 60 * DAY):
        assert notify_certificates_due() == 2
    assert sent() == {("zhou", "cert_review_due"), ("enterprise11", "cert_review_due")}
    titles = set(Notification.objects.values_list("title", "certificate_id", "hazard_id"))
    assert titles == {("周师傅的特种作业操作证（电工作业）应于 2026-03-15 前复审", cert.pk, None)}


def test_running_again_the_same_day_or_later_creates_no_duplicates(world):
    site_holder(world)
    with at(REVIEW - 60 * DAY):
        assert notify_certificates_due() == 2
        assert notify_certificates_due() == 0
    for day in (REVIEW - 59 * DAY, REVIEW - DAY, REVIEW):
        with at(day):
            assert notify_certificates_due() == 0
    assert Notification.objects.count() == 2


def test_the_celery_task_calls_the_service(world):
    site_holder(world)
    with at(REVIEW - 30 * DAY):
        assert certificate_reminders() == 2
        assert certificate_reminders() == 0
    assert sent() == {("zhou", "cert_review_due"), ("enterprise11", "cert_review_due")}


def test_expiry_reminder_after_the_review_was_recorded(world):
    cert = site_holder(world)
    with at(REVIEW - 10 * DAY):
        services.certificate_review(actor=world.users["office"], certificate=cert)
    for day in (REVIEW - 5 * DAY, REVIEW + DAY, EXPIRY - 61 * DAY):
        with at(day):
            assert notify_certificates_due() == 0
    with at(EXPIRY - 60 * DAY):
        assert notify_certificates_due() == 2
    assert sent() == {("zhou", "cert_expiry_due"), ("enterprise11", "cert_expiry_due")}
    assert set(Notification.objects.values_list("title", flat=True)) == {
        "周师傅的特种作业操作证（电工作业）将于 2029-03-15 到期"
    }


def test_expiry_reminder_of_an_extended_certificate_without_a_review(world):
    cert = site_holder(world)
    cert.continuous_since = datetime.date(2010, 1, 1)
    cert.save(update_fields=["continuous_since"])
    with at(datetime.date(2024, 1, 1)):
        services.certificate_extend_review(actor=world.users["office"], certificate=cert)
    with at(REVIEW - 60 * DAY):
        assert notify_certificates_due() == 0
    with at(EXPIRY - 60 * DAY):
        assert notify_certificates_due() == 2
    assert sent() == {("zhou", "cert_expiry_due"), ("enterprise11", "cert_expiry_due")}


def test_nothing_for_a_revoked_certificate(world):
    cert = site_holder(world)
    with at(REVIEW - 70 * DAY):
        services.certificate_revoke(actor=world.users["office"], certificate=cert, reason="违章作业")
    for day in (REVIEW - 60 * DAY, REVIEW, EXPIRY - 60 * DAY):
        with at(day):
            assert notify_certificates_due() == 0
    assert Notification.objects.count() == 0


def test_nothing_for_a_lapsed_certificate(world):
    """Review date passed without a review: the certificate has lapsed (逾期未复审) — reminders about
    its expiry would be wrong; after the expiry nothing either."""
    site_holder(world)
    for day in (REVIEW + DAY, EXPIRY - 60 * DAY, EXPIRY, EXPIRY + DAY):
        with at(day):
            assert notify_certificates_due() == 0
    assert Notification.objects.count() == 0


def test_a_holder_without_a_site_is_followed_by_the_township_officer_over_his_region(world):
    make_user("township3", Role.TOWNSHIP_OFFICER, world.t3)  # another county
    make_user("county_township", Role.TOWNSHIP_OFFICER, world.county)  # anchored above: ancestor
    cert = township_holder(world)
    with at(REVIEW - 60 * DAY):
        assert notify_certificates_due() == 2
    assert sent(cert) == {("township1", "cert_review_due"), ("county_township", "cert_review_due")}


def test_a_site_holder_is_not_followed_by_township_officers_nor_other_enterprises(world):
    make_user("mall11", Role.ENTERPRISE_MANAGER, world.g11, site=world.site11_mall)
    cert = site_holder(world)
    with at(REVIEW - 60 * DAY):
        notify_certificates_due()
    assert {u for u, _kind in sent(cert)} == {"zhou", "enterprise11"}


def test_an_inactive_login_is_not_notified(world):
    cert = site_holder(world)
    User.objects.filter(username__in=["zhou", "enterprise11"]).update(is_active=False)
    with at(REVIEW - 60 * DAY):
        assert notify_certificates_due() == 0
    assert sent(cert) == set()


def test_the_inbox_links_a_certificate_reminder_to_the_certificate(world, client):
    try:
        url = reverse("people:certificate_detail", kwargs={"pk": 1})
    except NoReverseMatch:
        pytest.skip("the people pages are not wired into config/urls.py yet")
    cert = site_holder(world)
    with at(REVIEW - 60 * DAY):
        notify_certificates_due()
    client.force_login(world.users["enterprise11"])
    page = client.get(reverse("notifications:inbox")).content.decode()
    url = cert.get_absolute_url()
    assert f'href="{url}"' in page
