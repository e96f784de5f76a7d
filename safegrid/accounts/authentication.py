"""API authentication with the sign-in policy applied (SECURITY.md A3). Browser sessions are checked
by SessionPolicyMiddleware; bearer tokens are only seen here, inside DRF."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired
from rest_framework import status
from rest_framework.exceptions import APIException

from .policies import password_expired

PASSWORD_EXPIRED_DETAIL = _("密码已过期，请先修改密码后再继续使用。")
OTP_REQUIRED_DETAIL = _("请先完成双因素认证（输入身份验证器上的 6 位验证码）。")


class PasswordExpired(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "password_expired"
    default_detail = PASSWORD_EXPIRED_DETAIL


class TokenAuthentication(KnoxTokenAuthentication):
    """knox tokens (stored hashed, 12-hour expiry); a token whose owner's password has expired is
    refused with 403 {"code": "password_expired"} until the password is changed."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        view = (getattr(request, "parser_context", None) or {}).get("view")
        # Revoking one's own token stays possible with an expired password.
        if password_expired(result[0]) and not getattr(view, "allow_expired_password", False):
            raise PasswordExpired()
        return result

    def _cleanup_token(self, auth_token) -> bool:
        """The presented token only: expired, it is deleted and refused (True). knox also reads
        every other token of the user on each request to delete the expired ones — a query on every
        phone request; here the nightly job does that for all users at once
        (services.api_tokens_purge_expired, which also reaches users who never come back)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of our token classes: the same `knoxApiToken` as knox's own."""

    target_class = "safegrid.accounts.authentication.TokenAuthentication"
