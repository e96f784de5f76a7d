"""Idempotency-Key on the API's create endpoints (SECURITY.md H4; IETF draft "The Idempotency-Key
HTTP Header Field").

A viewset lists its `idempotent_actions` (POST actions that create something or move a workflow on).
On those:

- a key already used by this user with the same method, path and body: the first response again
  (same status, same JSON, header `Idempotent-Replayed: true`), nothing runs twice;
- the same key with a different request: 422; while the first request still runs: 409;
- no key: 400 for token-authenticated clients (the phones), which must send one; a browser (session)
  client may send one and then gets the same guarantees (the desk UI does not retry on its own);
- keys are per user: another user's key is simply a new key for this user.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from safegrid.core.crypto import sm3

from . import services

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    pattern=r"^[\x20-\x7E]{1,255}$",
    description=_(
        "幂等键：每次新的提交生成一个唯一值（如 UUID），网络重试时沿用同一个值；24 小时内同一用户以同一键"
        "重复提交相同内容，返回首次的响应而不会重复创建。移动端（令牌认证）必填。"
    ),
)


class IdempotencyKeyMissing(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_missing"
    default_detail = _("缺少 Idempotency-Key 请求头：每次新的提交请生成一个唯一的幂等键，重试时沿用同一个。")


class IdempotencyKeyInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "idempotency_key_invalid"
    default_detail = _("Idempotency-Key 格式无效：应为 1 到 255 个可见 ASCII 字符。")


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("该幂等键已用于内容不同的另一次提交，请为新的提交生成新的幂等键。")


class IdempotencyKeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_in_progress"
    default_detail = _("使用同一幂等键的提交正在处理中，请稍后重试。")


def parse_key(raw: str | None) -> str | None:
    """The key from the header (a structured-field string: quotes are optional here), or None."""
    if raw is None:
        return None
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY_LENGTH or any(not 0x20 <= ord(c) <= 0x7E for c in value):
        raise IdempotencyKeyInvalid
    return value


def _canonical_value(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = sm3(b"".join(value.chunks())).hex()
        value.seek(0)
        return {"name": value.name, "size": value.size, "sm3": digest}
    return value


def canonical_body(data: Any) -> Any:
    """request.data as plain JSON-able values; a form or multipart body as {field: [values]}."""
    if hasattr(data, "lists"):
        return {name: [_canonical_value(v) for v in values] for name, values in data.lists()}
    return data


def key_required(request) -> bool:
    """Phones and other token clients must send a key; browser sessions may."""
    return not isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication)


class IdempotentViewMixin:
    """Put before the DRF view class. Runs after authentication and permissions (`initial`), so a
    refused request never claims a key; the action then runs inside one transaction together with
    storing its response."""

    idempotent_actions: frozenset[str] = frozenset()

    def idempotency_applies(self, request) -> bool:
        return request.method == "POST" and getattr(self, "action", None) in self.idempotent_actions

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.idempotency_applies(request):
            return
        key = parse_key(request.headers.get(HEADER))
        if key is None:
            if key_required(request):
                raise IdempotencyKeyMissing
            return
        digest = services.fingerprint(
            method=request.method, path=request.path, body=canonical_body(request.data)
        )
        try:
            outcome = services.idempotency_claim(
                user=request.user, key=key, method=request.method, path=request.path, fingerprint=digest
            )
        except services.KeyReused as exc:
            raise IdempotencyKeyReused from exc
        except services.KeyInFlight as exc:
            raise IdempotencyKeyInFlight from exc
        handler_name = request.method.lower()
        if isinstance(outcome, services.Replay):
            replayed = Response(outcome.body, status=outcome.status, headers={"Idempotent-Replayed": "true"})
            setattr(self, handler_name, lambda *a, **k: replayed)
            return
        handler = getattr(self, handler_name)
        record = outcome.record

        def run_once(*a, **k):
            try:
                with transaction.atomic():
                    response = handler(*a, **k)
                    if status.is_success(response.status_code):
                        services.idempotency_complete(
                            record=record, status=response.status_code, body=response.data
                        )
                        return response
            except BaseException:
                services.idempotency_release(record=record)
                raise
            services.idempotency_release(record=record)
            return response

        # A viewset binds its handlers as instance attributes too (ViewSetMixin.as_view).
        setattr(self, handler_name, run_once)
