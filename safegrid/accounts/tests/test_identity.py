"""A1 unique identity, A2 password rules against an independent oracle, A7 credential storage."""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import password_validation as django_password_validation
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import PASSWORD
from safegrid.accounts import services
from safegrid.accounts.models import User
from safegrid.accounts.roles import Role
from safegrid.core.models import AuditEntry

from .helpers import form_login

# --- A1 ------------------------------------------------------------------------------------------


def test_the_database_holds_a_case_insensitive_unique_index_on_the_username(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, User._meta.db_table)
    assert constraints["user_username_ci_unique"]["unique"] is True


@pytest.mark.parametrize("variant", ["GRID11", "Grid11", "ｇｒｉｄ１１", "ＧＲＩＤ１１", " grid11 "])
def test_the_create_form_refuses_a_name_differing_only_in_case_or_width(world, client, variant):
    client.force_login(world.users["secadmin"])
    before = User.objects.count()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": variant,
            "display_name": "重名",
            "password1": "Another-Passw0rd-1",
            "password2": "Another-Passw0rd-1",
            "role": Role.GRID_WORKER,
            "region": world.g11.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == ["该用户名已被使用。"]
    assert (User.objects.count(), AuditEntry.objects.count()) == (before, 0)


def test_folding_also_covers_unicode_case_rules():
    assert User.normalize_username("STRASSE") == User.normalize_username("Straße") == "strasse"
    assert User.normalize_username("ＺｈａｎｇＳａｎ") == "zhangsan"


def test_signing_in_with_a_full_width_or_upper_case_name_finds_the_account(world, client):
    response = form_login(client, "ＯＦＦＩＣＥ")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == world.users["office"].pk


# --- A2 ------------------------------------------------------------------------------------------
# The oracle below is written from SECURITY.md, not from the validators: 12–128 characters, at least
# three of {upper, lower, digit, other} by Unicode category, not in Django's list of common
# passwords, not similar to the username (character-multiset overlap 2·M/T ≥ 0.7, Django's
# documented rule, with its exemption for a name far shorter than the password).

with gzip.open(Path(django_password_validation.__file__).parent / "common-passwords.txt.gz", "rt") as fh:
    COMMON = {line.strip() for line in fh}
LONG_COMMON = sorted(p for p in COMMON if len(p) >= 12)


def _class(ch: str) -> str:
    return {"Lu": "upper", "Ll": "lower", "Nd": "digit"}.get(unicodedata.category(ch), "other")


def _similar(password: str, username: str) -> bool:
    for part in [*re.split(r"\W+", username), username]:
        if not part:
            continue
        if len(password) >= 10 * len(part) and len(part) < 0.35 * len(password):
            continue
        a = password.lower()
        overlap = sum((Counter(a) & Counter(part)).values())
        if 2 * overlap / (len(a) + len(part)) >= 0.7:
            return True
    return False


def oracle(password: str, username: str) -> bool:
    return (
        12 <= len(password) <= 128
        and len({_class(c) for c in password}) >= 3
        and password.lower().strip() not in COMMON
        and not password.isdigit()
        and not _similar(password, username)
    )


def accepted(password: str, username: str) -> bool:
    try:
        validate_password(password, User(username=username))
    except ValidationError:
        return False
    return True


usernames = st.from_regex(r"[a-z][a-z0-9]{2,15}", fullmatch=True)
alphabet = st.one_of(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.sampled_from("0123456789"),
    st.sampled_from("!@#$%^&*()-_=+ .,;"),
    st.sampled_from("安全网格ＡＢｃ１２é²٣"),
)
free_text = st.text(alphabet=alphabet, min_size=0, max_size=140)


@st.composite
def password_and_username(draw):
    username = draw(usernames)
    kind = draw(st.sampled_from(["free", "around_name", "common", "long"]))
    if kind == "free":
        password = draw(free_text)
    elif kind == "around_name":
        password = (
            draw(st.text(alphabet=alphabet, max_size=6))
            + username
            + draw(st.text(alphabet=alphabet, max_size=6))
        )
        if draw(st.booleans()):
            password = password.upper()
    elif kind == "common":
        password = draw(st.sampled_from(LONG_COMMON))
        if draw(st.booleans()):
            password = password.capitalize() + draw(st.sampled_from(["", "1", "!"]))
    else:
        password = draw(st.text(alphabet=alphabet, min_size=120, max_size=140))
    return password, username


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(password_and_username())
@example(("Xy7-long-passphrase", "zhangsan"))
@example(("a" * 11 + "A1", "zz"))
@example(("Aa1!" * 32, "zz"))
@example(("Aa1!" * 32 + "x", "zz"))
@example(("Zhangsan-2024!", "zhangsan"))
@example(("安全网格安全网格Ab12", "zz"))
def test_the_password_rules_equal_the_oracle(case):
    password, username = case
    assert accepted(password, username) is oracle(password, username)


def test_the_maximum_length_is_128_with_a_chinese_message():
    with pytest.raises(ValidationError) as exc:
        validate_password("Aa1!" * 32 + "x", User(username="zz"))
    assert exc.value.messages == ["密码太长，最多 128 个字符。"]


def test_a_password_like_the_display_name_or_phone_is_refused():
    user = User(username="u1", display_name="Zhangsanfeng", phone="13812345678")
    for password in ("Zhangsanfeng!1", "13812345678Ab"):
        with pytest.raises(ValidationError) as exc:
            validate_password(password, user)
        assert exc.value.messages[0].startswith("密码与账号信息")


# --- A7 ------------------------------------------------------------------------------------------


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)
def test_the_password_column_holds_a_salted_pbkdf2_hash(world):
    user = services.user_create(
        actor=world.users["secadmin"],
        username="hashcheck",
        display_name="哈希",
        password="Stored-Passw0rd-77",
        role=Role.GRID_WORKER,
        region=world.g11,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {User._meta.db_table} WHERE id = %s", [user.pk])  # noqa: S608 - table name from the model
        (stored,) = cursor.fetchone()
    algorithm, iterations, salt, digest = stored.split("$")
    assert (algorithm, int(iterations) >= 1_000_000) == ("pbkdf2_sha256", True)
    assert "Stored-Passw0rd-77" not in stored and len(salt) >= 16 and len(digest) == 44


def test_a_login_leaves_no_plaintext_password_in_logs_or_rows(world, client, caplog):
    secret_ok, secret_bad = PASSWORD, "Never-Logged-Passw0rd"
    with caplog.at_level(logging.DEBUG):
        form_login(client, "office", secret_bad)
        form_login(client, "nobody", secret_bad)
        form_login(client, "office", secret_ok)
    text = caplog.text + repr([r.__dict__ for r in caplog.records])
    assert (secret_ok in text, secret_bad in text) == (False, False)
    from axes.models import AccessAttempt

    rows = repr(list(AccessAttempt.objects.values())) + repr(list(AuditEntry.objects.values()))
    assert (secret_ok in rows, secret_bad in rows) == (False, False)
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "login.failed",
        "login.failed",
        "login.success",
    ]
