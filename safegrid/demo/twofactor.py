"""Two-factor sign-in in the demo county (SECURITY.md A6).

With SAFEGRID_REQUIRE_2FA=true the county-level and administrator demo accounts ask for a TOTP code
after the password. `seed_demo` enrols each of them with this one published demo secret: add it to
any authenticator app (or run `oathtool --totp -b <secret>`) to sign in. A demo secret, like the demo
password, is for the demo only; real accounts enrol their own device on first sign-in.
"""

from __future__ import annotations

from base64 import b32decode
from binascii import hexlify

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - published demo secret


def demo_totp_key_hex() -> str:
    return hexlify(b32decode(DEMO_TOTP_SECRET)).decode()


def enrol_demo_device(user) -> None:
    """A confirmed TOTP device holding the demo secret, for a privileged demo account."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="演示身份验证器", key=demo_totp_key_hex(), confirmed=True)
