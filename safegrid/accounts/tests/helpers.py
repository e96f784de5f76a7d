"""Shared helpers of the sign-in tests: the real login form, the token exchange, TOTP codes."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import TOTP

from conftest import PASSWORD

LOGIN = "/accounts/login/"
TOKEN_LOGIN = "/api/v1/auth/token/"
WRONG = "Wrong-Passw0rd-9999"


def form_login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def token_login(client, username: str, password: str = PASSWORD, **fields):
    return client.post(
        reverse("api:token_login"), {"username": username, "password": password, **fields}, format="json"
    )


def totp_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
