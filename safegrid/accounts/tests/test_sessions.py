"""S1 timeouts, S2 new session id, S3 logout and revocation, S4 password change ends other sessions,
S5 cookie flags, A3 password expiry."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from conftest import PASSWORD
from safegrid.accounts.models import User
from safegrid.core.models import AuditEntry

from .helpers import form_login, token_login

HOME = "/accounts/me/"
NEW_PASSWORD = "Brand-New-Passw0rd-2025"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- S1 ------------------------------------------------------------------------------------------


def _idle_logs_out_after(world, minutes: int) -> bool:
    client = APIClient()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.users["township1"])
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
        response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_thirty_idle_minutes_end_the_session(world, figure):
    measured = next(m for m in range(25, 40) if _idle_logs_out_after(world, m))
    figure("Auth", "idle timeout (minutes, measured)", fixed={"idle timeout": measured})
    assert measured == 30


def test_an_idle_logout_says_why_in_chinese_and_is_audited(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.users["township1"])
        client.get(HOME)
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(HOME)
        assert response["Location"] == f"{reverse('accounts:login')}?next=%2Faccounts%2Fme%2F"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "您已超过 30 分钟未操作，为保护账号安全已自动退出，请重新登录。"
        ]
        assert not _signed_in(client)
        assert client.get(HOME).status_code == 302
    entry = AuditEntry.objects.get(action="logout")
    assert (entry.actor_id, entry.changes) == (world.users["township1"].pk, {"reason": [None, "idle"]})


def test_activity_keeps_the_session_but_twelve_hours_end_it(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.users["township1"])
    step = datetime.timedelta(minutes=25)
    at = start
    while at + step < start + datetime.timedelta(hours=12):
        at += step
        with time_machine.travel(at, tick=False):
            assert client.get(HOME).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12), tick=False):
        response = client.get(HOME)
    assert response.status_code == 302 and not _signed_in(client)
    assert AuditEntry.objects.get(action="logout").changes == {"reason": [None, "absolute"]}


def test_an_idle_api_session_gets_401(world):
    client = APIClient()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.users["township1"])
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


# --- S2, S3 --------------------------------------------------------------------------------------


def test_the_session_key_changes_at_sign_in(world, client):
    session = client.session
    session["before"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert form_login(client, "office").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after and after == client.session.session_key


def test_after_logout_the_old_cookie_is_refused(world, client):
    form_login(client, "office")
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(HOME).status_code == 200
    client.post(reverse("accounts:logout"))
    replay = APIClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert replay.get(HOME).status_code == 302
    assert replay.get("/api/v1/me/").status_code == 401
    assert list(AuditEntry.objects.filter(action="logout").values_list("changes", flat=True)) == [
        {"reason": [None, "logout"]}
    ]


def test_tokens_are_stored_hashed_and_refused_after_revocation(world):
    client = APIClient()
    token = token_login(client, "township1").json()["token"]
    row = AuthToken.objects.get(user=world.users["township1"])
    assert token not in repr(AuthToken.objects.filter(pk=row.pk).values().get())
    assert len(row.digest) == 128 and row.token_key == token[: len(row.token_key)]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post(reverse("api:token_logout")).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_refused(world):
    client = APIClient()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = token_login(client, "township1").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with time_machine.travel(start + datetime.timedelta(hours=12, seconds=1), tick=False):
        assert client.get("/api/v1/me/").status_code == 401


# --- S4 ------------------------------------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions_and_tokens_but_keeps_this_one(world):
    this, other, phone = APIClient(), APIClient(), APIClient()
    form_login(this, "office")
    form_login(other, "office", REMOTE_ADDR="127.0.0.7")
    token = token_login(phone, "office").json()["token"]
    phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = this.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert this.get(HOME).status_code == 200
    assert other.get(HOME).status_code == 302
    assert other.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 401
    assert AuthToken.objects.filter(user=world.users["office"]).count() == 0
    entry = AuditEntry.objects.get(action="password.change")
    assert (entry.actor_id, entry.changes) == (world.users["office"].pk, {"api_tokens_revoked": [None, 1]})
    assert form_login(APIClient(), "office", NEW_PASSWORD).status_code == 302


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(world, client):
    client.force_login(world.users["office"])
    before = User.objects.get(username="office").password
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    same = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert [r.status_code for r in (wrong, weak, same)] == [400, 400, 400]
    assert wrong.context["form"].errors["old_password"] == ["当前密码不正确，请重新输入。"]
    assert "密码太短，至少需要 12 个字符。" in weak.context["form"].errors["new_password2"]
    assert same.context["form"].errors["new_password1"] == ["新密码不能与当前密码相同。"]
    assert User.objects.get(username="office").password == before
    assert not AuditEntry.objects.filter(action="password.change").exists()


# --- A3 ------------------------------------------------------------------------------------------


@pytest.mark.password_expiry
def test_a_password_older_than_ninety_days_must_be_changed_first(world):
    client, phone = APIClient(), APIClient()
    later = timezone.now() + datetime.timedelta(days=90, seconds=1)
    with time_machine.travel(later, tick=False):
        form_login(client, "township1")
        page = client.get(HOME)
        assert page.status_code == 302
        assert page["Location"] == f"{reverse('accounts:password_change')}?next=%2Faccounts%2Fme%2F"
        api = client.get("/api/v1/me/")
        assert (api.status_code, api.json()) == (
            403,
            {"code": "password_expired", "detail": "密码已过期，请先修改密码后再继续使用。"},
        )
        token = token_login(phone, "township1").json()["token"]
        phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert phone.get("/api/v1/me/").json()["code"] == "password_expired"
        form = client.get(reverse("accounts:password_change"))
        assert form.status_code == 200 and "已超过 90 天有效期" in form.content.decode()
        client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert client.get(HOME).status_code == 200
        assert User.objects.get(username="township1").password_changed_at == later


@pytest.mark.password_expiry
def test_a_password_younger_than_ninety_days_is_fine(world, client):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89), tick=False):
        client.force_login(world.users["township1"])
        assert client.get(HOME).status_code == 200


@pytest.mark.password_expiry
@override_settings(SAFEGRID_PASSWORD_MAX_AGE_DAYS=0)
def test_zero_days_means_passwords_never_expire(world, client):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650), tick=False):
        client.force_login(world.users["township1"])
        assert client.get(HOME).status_code == 200


def test_every_password_setter_restarts_the_period(world):
    user = User.objects.get(username="grid11")
    later = timezone.now() + datetime.timedelta(days=5)
    with time_machine.travel(later, tick=False):
        user.set_password(NEW_PASSWORD)
    assert user.password_changed_at == later


# --- S5 ------------------------------------------------------------------------------------------

PRODUCTION_ENV = {
    "SAFEGRID_ENV": "production",
    "SAFEGRID_HTTPS": "true",
    "DJANGO_SECRET_KEY": "x" * 64,
    "DJANGO_ALLOWED_HOSTS": "safegrid.example",
    "DJANGO_DEBUG": "false",
    "SAFEGRID_AUDIT_KEY": "a1" * 32,
    "SAFEGRID_PII_KEY": "b2" * 32,
    "SAFEGRID_BLIND_INDEX_KEY": "c3" * 32,
}
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ['SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
    " 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_SAMESITE',"
    " 'SESSION_COOKIE_AGE', 'SAFEGRID_REQUIRE_2FA']}))"
)


def _production_settings() -> dict:
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("SAFEGRID_REQUIRE_2FA", None)  # the production default is what is checked
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_samesite(world):
    prod = _production_settings()
    assert prod == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 43200,
        "SAFEGRID_REQUIRE_2FA": True,
    }
    with override_settings(
        **{k: v for k, v in prod.items() if k.endswith(("SECURE", "HTTPONLY", "SAMESITE"))}
    ):
        client = APIClient(enforce_csrf_checks=False)
        client.get(reverse("accounts:login"))
        response = form_login(client, "township1")
    # Parse the Set-Cookie header lines as a browser would.
    cookies = SimpleCookie()
    for morsel in response.cookies.values():
        cookies.load(morsel.output(header="").strip())
    session = cookies[settings.SESSION_COOKIE_NAME]
    csrf = cookies[settings.CSRF_COOKIE_NAME]
    assert (bool(session["secure"]), bool(session["httponly"]), session["samesite"]) == (True, True, "Lax")
    assert (bool(csrf["secure"]), csrf["samesite"]) == (True, "Lax")
    assert (
        "Secure" in session.output() and "HttpOnly" in session.output() and "SameSite=Lax" in session.output()
    )


@pytest.mark.password_expiry
def test_a_token_can_still_be_revoked_with_an_expired_password(world):
    phone = APIClient()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91), tick=False):
        token = token_login(phone, "township1").json()["token"]
        phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert phone.get("/api/v1/me/").status_code == 403
        assert phone.post(reverse("api:token_logout")).status_code == 204
    assert AuthToken.objects.filter(user=world.users["township1"]).count() == 0
