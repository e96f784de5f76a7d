"""Residual information (剩余信息保护, GB/T 22239 §8.1.4.10; ASVS 8.3.8; SECURITY.md D6): what a
finished session, a revoked token or an upload leaves behind is removed.

- the session store actually configured (SESSION_ENGINE) holds no row of a signed-out or timed-out
  session, and expired sessions are deleted by `clearsessions`, scheduled nightly;
- API tokens are deleted, not flagged, when revoked; the product offers no password-reset tokens;
- an upload spooled to FILE_UPLOAD_TEMP_DIR (larger than FILE_UPLOAD_MAX_MEMORY_SIZE) is gone from
  there once the request has been answered, whether the upload was accepted or refused.

Personal data past retention: people carry an "在岗" flag and postings a 离岗日期, but no retention
period is defined and nothing purges people who left (reported, not invented here).
"""

from __future__ import annotations

import datetime
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command
from django.urls import get_resolver, reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import PASSWORD
from safegrid.accounts.tasks import clear_sessions
from safegrid.attachments.models import Attachment
from safegrid.attachments.tests import files

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
