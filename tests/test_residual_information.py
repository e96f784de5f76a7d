"""Residual information (剩余信息保护, GB/T 22239 §8.1.4.10; ASVS 8.3.8; SECURITY.md D6): what a
finished session, a revoked token or an upload leaves behind is removed.

- the session store actually configured (SESSION_ENGINE) holds no row of a signed-out or timed-out
  session, and expired sessions are deleted by `clearsessions`, scheduled nightly;
- API tokens are deleted, not flagged, when revoked; the product offers no password-reset tokens;
- an upload spooled to FILE_UPLOAD_TEMP_DIR (larger than FILE_UPLOAD_MAX_MEMORY_SIZE) is gone from
  there once the request has been answered, whether the upload was accepted or refused.

- personal data past retention: the ID number and phone (and their blind indexes) of a person who
  left (inactive, no open posting, the latest of their postings' 离岗日期 and their row's last
  change older than SAFEGRID_PERSON_RETENTION_DAYS, `safegrid/people/retention.py`) are erased in the
  database by `person_purge_expired` (nightly, and `manage.py purge_personal_data`); the name and the
  records naming the person stay; pages, API and exports say 已按保存期限删除.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import checks
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone
from knox.models import AuthToken
from openpyxl import load_workbook
from rest_framework.test import APIClient

from conftest import PASSWORD
from safegrid.accounts.tasks import clear_sessions
from safegrid.attachments.models import Attachment
from safegrid.attachments.tests import files
from safegrid.core.exceptions import ApplicationError
from safegrid.core.fields import blind_index_field
from safegrid.core.models import AuditEntry
from safegrid.people import services as people_services
from safegrid.people.checks import person_retention_check
from safegrid.people.models import Certificate, Person, Posting, TrainingAttendance
from safegrid.people.tasks import purge_personal_data
from safegrid.people.tests.world import id_number, phone

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:profile")


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _stored(session_key: str) -> bool:
    """Whether the configured session store still holds this session."""
    return _store()().exists(session_key)


def _sign_in(client, username: str = "grid11") -> str:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# ---- Sessions --------------------------------------------------------------------------------------


def test_the_sessions_are_stored_in_the_database():
    """The tests below look at the store actually used; the database store is the configured one."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_after_logout_the_session_row_is_gone(world, client):
    key = _sign_in(client)
    assert client.get(HOME).status_code == 200
    assert _stored(key) and Session.objects.filter(session_key=key).count() == 1
    client.post(reverse("accounts:logout"))
    assert not _stored(key)
    assert Session.objects.filter(session_key=key).count() == 0


def test_after_an_idle_timeout_the_session_row_is_gone(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _sign_in(client)
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert client.get(HOME).status_code == 302
    assert Session.objects.filter(session_key=key).count() == 0


def _session(expires_in: datetime.timedelta) -> str:
    store = _store()()
    store["probe"] = 1
    store.set_expiry(timezone.now() + expires_in)
    store.save()
    return store.session_key


def test_clearsessions_removes_expired_sessions_and_keeps_live_ones(world):
    expired = _session(datetime.timedelta(seconds=-1))
    live = _session(datetime.timedelta(hours=1))
    assert Session.objects.filter(session_key__in=[expired, live]).count() == 2
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_expired_sessions_are_cleared_every_night_by_a_task():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == clear_sessions.name]
    assert [e["schedule"] for e in entries] == [crontab(hour=3, minute=15)]


def test_the_task_removes_expired_sessions(world):
    expired = _session(datetime.timedelta(seconds=-1))
    live = _session(datetime.timedelta(hours=1))
    clear_sessions.delay()  # eager in the tests, as without a broker
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


# ---- Tokens ----------------------------------------------------------------------------------------


def test_a_revoked_api_token_leaves_no_row(world):
    client = APIClient()
    response = client.post(
        reverse("api:token_login"), {"username": "grid11", "password": PASSWORD}, format="json"
    )
    token = response.json()["token"]
    assert AuthToken.objects.filter(user=world.users["grid11"]).count() == 1
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(reverse("api:token_logout")).status_code == 204
    assert AuthToken.objects.filter(user=world.users["grid11"]).count() == 0
    assert client.get(reverse("api:me")).status_code == 401


def test_an_expired_token_leaves_no_row_once_the_nightly_task_has_run(world):
    """A request checks only the token it presents (one query): an expired one is refused and
    deleted then; the user's other expired tokens — and those of users who never come back — are
    deleted by the nightly task, live ones kept."""
    grid11, office = world.users["grid11"], world.users["office"]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        AuthToken.objects.create(user=grid11)  # an old phone, never signed out
        AuthToken.objects.create(user=office)  # a user who never comes back
    with time_machine.travel(start + datetime.timedelta(hours=11), tick=False):
        live, token = AuthToken.objects.create(user=grid11)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with time_machine.travel(start + datetime.timedelta(hours=12, seconds=1), tick=False):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("api:me")).status_code == 200
        token_reads = [q["sql"] for q in queries if 'FROM "knox_authtoken"' in q["sql"]]
        assert len(token_reads) == 1  # the presented token; the others are not read per request
        assert AuthToken.objects.count() == 3
        clear_sessions.delay()
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_there_is_no_password_reset_and_so_no_reset_token():
    """Passwords are set by the security administrator or changed signed in; no emailed reset link
    exists. If one is added, its token must be single-use and this test replaced by that check."""
    names = [str(name) for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert [n for n in names if "reset" in n.lower()] == []


# ---- Temporary upload files --------------------------------------------------------------------------


@pytest.fixture
def spooled(settings, tmp_path, monkeypatch):
    """Uploads above 1 KiB are spooled to their own temporary directory; returns (dir, paths seen)."""
    temp_dir = tmp_path / "uploads"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.MEDIA_ROOT = tmp_path / "media"
    seen: list[Path] = []
    original = TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(Path(self.temporary_file_path()))

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", spy)
    return temp_dir, seen


def _photo() -> bytes:
    data = files.image_bytes(size=(400, 300), quality=95)
    assert len(data) > 1024
    return data


def _upload(client, user, upload, hazard):
    client.force_login(user)
    return client.post(reverse("api:attachment-list"), {"file": upload, "kind": "photo", "hazard": hazard.pk})


def test_an_accepted_upload_leaves_nothing_in_the_temporary_directory(world, client, spooled):
    temp_dir, seen = spooled
    response = _upload(client, world.users["grid11"], files.upload(_photo()), world.hazards["g11"])
    assert response.status_code == 201
    assert Attachment.objects.count() == 1
    assert [p.parent for p in seen] == [temp_dir]  # it was spooled to disk…
    assert list(temp_dir.iterdir()) == []  # …and removed after the answer


def test_a_refused_upload_leaves_nothing_in_the_temporary_directory(world, client, spooled):
    temp_dir, seen = spooled
    polyglot = b"<html><script>alert(1)</script></html>" + b" " * 4096
    upload = files.upload(polyglot, "现场.jpg")
    response = _upload(client, world.users["grid11"], upload, world.hazards["g11"])
    assert response.status_code == 400
    assert Attachment.objects.count() == 0
    assert [p.parent for p in seen] == [temp_dir]
    assert list(temp_dir.iterdir()) == []


def test_a_refused_import_leaves_nothing_in_the_temporary_directory(world, client, spooled):
    temp_dir, seen = spooled
    client.force_login(world.users["township1"])
    not_a_workbook = files.upload(b"PK\x03\x04" + b"x" * 4096, "隐患.xlsx", "application/octet-stream")
    response = client.post(reverse("hazards:hazard_import"), {"file": not_a_workbook})
    assert response.status_code == 400
    assert [p.parent for p in seen] == [temp_dir]
    assert list(temp_dir.iterdir()) == []


# ---- Personal data past retention ------------------------------------------------------------------

# The purge's "today" in the service tests; the people's dates are set relative to it.
TODAY = datetime.date(2030, 6, 15)
CUTOFF = TODAY - datetime.timedelta(days=1095)  # 2027-06-16: left before it → purged
PURGED = "已按保存期限删除"


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _register(world, serial: int, name: str):
    return people_services.person_create(
        actor=world.users["office"],
        name=name,
        id_number=id_number(serial),
        phone=phone(serial),
        organisation=world.org_g11,
        region=world.g11,
        source="grid_worker",
        employment="full_time",
    )


def _posting(world, person, *, ended_on: datetime.date | None):
    posting = people_services.posting_create(
        actor=world.users["office"],
        person=person,
        post="grid_worker",
        region=world.g11,
        started_on=datetime.date(2020, 1, 1),
    )
    if ended_on is not None:
        posting = people_services.posting_end(actor=world.users["office"], posting=posting, ended_on=ended_on)
    return posting


def _person(world, serial, name, *, active=False, ended=(), open_posting=False, changed_on=None):
    """A person with postings ended on `ended` (dates) and, if asked, one still open; set inactive
    unless `active`; their row last changed on `changed_on` (default: long before every cut-off)."""
    person = _register(world, serial, name)
    for day in ended:
        _posting(world, person, ended_on=day)
    if open_posting:
        _posting(world, person, ended_on=None)
    if not active:
        person = people_services.person_update(actor=world.users["office"], person=person, is_active=False)
    changed_at = changed_on if isinstance(changed_on, datetime.datetime) else _at(changed_on or _day(3000))
    Person.objects.filter(pk=person.pk).update(updated_at=changed_at)  # auto_now is not applied here
    return Person.objects.get(pk=person.pk)


def _raw_numbers(person) -> tuple:
    """The stored columns themselves (ciphertexts and digests), read past the ORM's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, id_number, id_number_bidx, phone, phone_bidx FROM people_person WHERE id = %s",
            [person.pk],
        )
        return cursor.fetchone()


def _purge_records():
    return list(
        AuditEntry.objects.filter(action="person.purge")
        .order_by("id")
        .values_list("actor_id", "object_type", "changes", "result")
    )


def _kept(person, serial) -> bool:
    """The person's numbers are still there: readable, indexed, and not marked purged."""
    row = Person.objects.get(pk=person.pk)
    raw = _raw_numbers(person)
    return (
        (row.id_number, row.phone, row.personal_data_purged_on) == (id_number(serial), phone(serial), None)
        and raw[1] not in ("", id_number(serial))  # a ciphertext, not the plain number
        and raw[2] == blind_index_field(Person, "id_number").digest(id_number(serial))
        and raw[4] == blind_index_field(Person, "phone").digest(phone(serial))
    )


def test_the_retention_is_three_years_by_default():
    assert settings.SAFEGRID_PERSON_RETENTION_DAYS == 1095


def test_a_person_who_left_1096_days_ago_has_their_numbers_erased_in_the_database(world):
    person = _person(world, 101, "离岗人员甲", ended=[_day(1096)])
    before = _raw_numbers(person)
    assert before[1] != "" and before[2] != "" and before[3] != "" and before[4] != ""
    result = people_services.person_purge_expired(today=TODAY)
    assert (result.count, result.cutoff) == (1, CUTOFF)
    assert _raw_numbers(person) == ("离岗人员甲", "", "", "", "")
    row = Person.objects.get(pk=person.pk)
    assert (row.id_number, row.phone, row.personal_data_purged_on) == ("", "", TODAY)


def test_the_purge_is_one_update_whatever_the_number_of_people(world):
    for serial in (124, 125, 126):
        _person(world, serial, f"离岗人员{serial}", ended=[_day(1096)])
    with CaptureQueriesContext(connection) as queries:
        assert people_services.person_purge_expired(today=TODAY).count == 3
    person_writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "people_person"')]
    assert len(person_writes) == 1


def test_a_person_who_left_1095_or_1094_days_ago_is_kept(world):
    on_the_day = _person(world, 102, "离岗人员乙", ended=[_day(1095)])
    a_day_short = _person(world, 103, "离岗人员丙", ended=[_day(1094)])
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _kept(on_the_day, 102) and _kept(a_day_short, 103)


def test_the_latest_posting_end_decides_when_a_person_left(world):
    person = _person(world, 104, "离岗人员丁", ended=[_day(2000), _day(1094)])
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _kept(person, 104)


def test_a_later_change_of_the_person_restarts_the_count(world):
    """The model records no deactivation date: the row's last change counts as the day they left."""
    person = _person(world, 105, "离岗人员戊", ended=[_day(2000)], changed_on=_day(1094))
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _kept(person, 105)


def test_a_person_without_postings_is_judged_by_the_last_change_of_their_row(world):
    cutoff_start = timezone.make_aware(datetime.datetime.combine(CUTOFF, datetime.time.min))
    gone = _person(world, 106, "离岗人员己", changed_on=cutoff_start - datetime.timedelta(seconds=1))
    on_the_cutoff = _person(world, 107, "离岗人员庚", changed_on=cutoff_start)
    assert people_services.person_purge_expired(today=TODAY).count == 1
    assert _raw_numbers(gone) == ("离岗人员己", "", "", "", "")
    assert _kept(on_the_cutoff, 107)


def test_an_active_person_is_kept(world):
    person = _person(world, 108, "在岗人员辛", active=True, ended=[_day(3000)])
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _kept(person, 108)


def test_an_inactive_person_with_an_open_posting_is_kept(world):
    person = _person(world, 109, "离岗人员壬", ended=[_day(3000)], open_posting=True)
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _kept(person, 109)


def test_the_name_and_the_records_naming_the_person_are_kept(world):
    person = _register(world, 110, "离岗人员癸")
    certificate = people_services.certificate_create(
        actor=world.users["office"],
        person=person,
        kind="safety_management",
        number="A-0110",
        issue_date=datetime.date(2020, 1, 1),
        expiry_date=datetime.date(2023, 1, 1),
    )
    training = people_services.training_record(
        actor=world.users["office"],
        kind="business",
        title="网格员业务培训",
        organiser=world.org_g11,
        held_on=datetime.date(2021, 3, 1),
        hours=Decimal("4.0"),
        attendees=[person],
    )
    person = _person_left(world, person, ended_on=_day(1096))
    assert people_services.person_purge_expired(today=TODAY).count == 1
    assert Person.objects.get(pk=person.pk).name == "离岗人员癸"
    assert list(Certificate.objects.filter(person=person).values_list("pk", "number")) == [
        (certificate.pk, "A-0110")
    ]
    assert list(TrainingAttendance.objects.filter(person=person).values_list("training_id", flat=True)) == [
        training.pk
    ]
    assert list(Posting.objects.filter(person=person).values_list("ended_on", flat=True)) == [_day(1096)]


def _person_left(world, person, *, ended_on):
    _posting(world, person, ended_on=ended_on)
    person = people_services.person_update(actor=world.users["office"], person=person, is_active=False)
    Person.objects.filter(pk=person.pk).update(updated_at=_at(_day(3000)))
    return Person.objects.get(pk=person.pk)


def _table_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, id_number, id_number_bidx, phone, phone_bidx, personal_data_purged_on, "
            "updated_at FROM people_person ORDER BY id"
        )
        return cursor.fetchall()


def test_a_second_run_changes_nothing(world):
    _person(world, 111, "离岗人员子", ended=[_day(1096)])
    _person(world, 112, "离岗人员丑", ended=[_day(1095)])
    assert people_services.person_purge_expired(today=TODAY).count == 1
    after_first = _table_rows()
    assert people_services.person_purge_expired(today=TODAY).count == 0
    assert _table_rows() == after_first
    # The next day only the second person is due; the first keeps its row, and the day it was purged.
    next_day = TODAY + datetime.timedelta(days=1)
    assert people_services.person_purge_expired(today=next_day).count == 1
    after_next_day = _table_rows()
    assert after_next_day[0] == after_first[0]
    assert list(Person.objects.order_by("id").values_list("personal_data_purged_on", flat=True)) == [
        TODAY,
        next_day,
    ]


def test_each_run_leaves_exactly_one_purge_record_with_the_count_and_the_cutoff(world):
    _person(world, 113, "离岗人员寅", ended=[_day(1096)])
    _person(world, 114, "离岗人员卯", ended=[_day(1200)])
    _person(world, 115, "离岗人员辰", ended=[_day(1094)])
    before = AuditEntry.objects.count()
    people_services.person_purge_expired(today=TODAY)
    assert AuditEntry.objects.count() == before + 1
    changes = {"count": 2, "cutoff": "2027-06-16", "retention_days": 1095}
    assert _purge_records() == [(None, "people.person", changes, "success")]
    people_services.person_purge_expired(today=TODAY)  # nothing due: the run is recorded all the same
    assert _purge_records() == [
        (None, "people.person", changes, "success"),
        (None, "people.person", {"count": 0, "cutoff": "2027-06-16", "retention_days": 1095}, "success"),
    ]


def test_the_retention_setting_drives_the_cutoff(world, settings):
    settings.SAFEGRID_PERSON_RETENTION_DAYS = 400
    person = _person(world, 116, "离岗人员巳", ended=[_day(401)])
    result = people_services.person_purge_expired(today=TODAY)
    assert (result.count, result.cutoff) == (1, TODAY - datetime.timedelta(days=400))
    assert _raw_numbers(person) == ("离岗人员巳", "", "", "", "")


def test_the_system_check_refuses_a_retention_under_a_year(settings):
    settings.SAFEGRID_PERSON_RETENTION_DAYS = 364
    errors = person_retention_check()
    assert [(e.id, e.level) for e in errors] == [("safegrid.people.E001", checks.ERROR)]
    assert errors[0].msg == (
        "离岗人员个人信息保存期限为 364 天，少于 365 天：离岗不足一年即删除身份证号和"
        "手机号码，会妨碍证书核查和事故追溯。"
    )
    assert (
        errors[0].hint == "将 SAFEGRID_PERSON_RETENTION_DAYS 设为 365 或更大（默认 1095 天，即离岗后三年）。"
    )
    settings.SAFEGRID_PERSON_RETENTION_DAYS = 365
    assert person_retention_check() == []


def test_the_service_refuses_a_retention_under_a_year_and_erases_nothing(world, settings):
    """A Celery worker runs no system checks: the nightly task must not erase with a bad setting."""
    settings.SAFEGRID_PERSON_RETENTION_DAYS = 364
    due = _person(world, 123, "离岗人员甲乙", ended=[_day(1096)])
    with pytest.raises(ApplicationError) as refused:
        people_services.person_purge_expired(today=TODAY)
    assert str(refused.value) == "离岗人员个人信息保存期限少于 365 天，拒绝删除。"
    assert _kept(due, 123) and _purge_records() == []


def test_the_system_check_is_registered():
    assert person_retention_check in checks.registry.registry.get_checks()


# ---- the command and the nightly task --------------------------------------------------------------

NOW = _at(TODAY, hour=10)


def test_the_command_dry_run_counts_and_changes_nothing(world):
    due = _person(world, 117, "离岗人员午", ended=[_day(1096)])
    _person(world, 118, "离岗人员未", ended=[_day(1094)])
    rows, records = _table_rows(), AuditEntry.objects.count()
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", "--dry-run", stdout=out)
    assert out.getvalue() == (
        "试运行：1 名人员在 2027-06-16 之前离岗，个人信息应删除（保存期限 1095 天），未作修改。\n"
    )
    assert (_table_rows(), AuditEntry.objects.count()) == (rows, records)
    assert _kept(due, 117)


def test_the_command_purges_and_says_how_many(world):
    due = _person(world, 119, "离岗人员申", ended=[_day(1096)])
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_personal_data", stdout=out)
    assert out.getvalue() == (
        "已删除 1 名在 2027-06-16 之前离岗人员的身份证号和手机号码（保存期限 1095 天）。\n"
    )
    assert _raw_numbers(due) == ("离岗人员申", "", "", "", "")
    assert [r[2]["count"] for r in _purge_records()] == [1]


def test_the_command_refuses_a_retention_under_a_year(world, settings):
    settings.SAFEGRID_PERSON_RETENTION_DAYS = 364
    due = _person(world, 120, "离岗人员酉", ended=[_day(1096)])
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError) as refused:
        call_command("purge_personal_data")
    assert str(refused.value) == "离岗人员个人信息保存期限少于 365 天，拒绝删除。"
    assert _kept(due, 120) and _purge_records() == []


def test_personal_data_past_retention_is_purged_every_night_by_a_task():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == purge_personal_data.name]
    assert [e["schedule"] for e in entries] == [crontab(hour=3, minute=30)]


def test_the_task_purges(world):
    due = _person(world, 121, "离岗人员戌", ended=[_day(1096)])
    with time_machine.travel(NOW, tick=False):
        assert purge_personal_data.delay().get() == 1  # eager in the tests, as without a broker
    assert _raw_numbers(due) == ("离岗人员戌", "", "", "", "")


# ---- a purged person on the pages, the API and the export ---------------------------------------------


@pytest.fixture
def purged(world):
    person = _person(world, 122, "离岗人员亥", ended=[_day(1096)])
    assert people_services.person_purge_expired(today=TODAY).count == 1
    return Person.objects.get(pk=person.pk)


def test_the_detail_page_says_the_numbers_were_deleted(world, client, purged):
    client.force_login(world.users["office"])
    response = client.get(reverse("people:person_detail", args=[purged.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="id-number">{PURGED}</dd>' in page
    assert f'data-testid="phone">{PURGED}</dd>' in page


def test_the_list_and_the_edit_page_show_a_purged_person(world, client, purged):
    client.force_login(world.users["office"])
    listing = client.get(reverse("people:person_list"), {"is_active": "false"})
    assert listing.status_code == 200
    assert listing.content.decode().count(PURGED) == 1  # the list's phone column
    edit = client.get(reverse("people:person_edit", args=[purged.pk]))
    assert edit.status_code == 200
    assert edit.content.decode().count(PURGED) == 2  # the help text of ID number and phone


def test_the_api_says_the_numbers_were_deleted(world, client, purged):
    client.force_login(world.users["office"])
    data = client.get(reverse("api:person-detail", args=[purged.pk])).json()
    assert (data["id_number_masked"], data["phone_masked"], data["personal_data_purged_on"]) == (
        PURGED,
        PURGED,
        "2030-06-15",
    )


def test_the_export_says_the_numbers_were_deleted(world, client, purged):
    client.force_login(world.users["office"])
    response = client.get(reverse("people:person_list"), {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    header = list(rows[0])
    (row,) = [r for r in rows[1:] if r[0] == purged.pk]
    assert (row[header.index("身份证号")], row[header.index("手机号码")]) == (PURGED, PURGED)
