"""REST framework settings targets: one error shape and pagination.

Kept apart from `api.py` because DRF imports these while it is importing its own generics."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError, CapabilityDenied, NotInScope, TransitionNotAllowed

MESSAGES = {
    "parse_error": gettext_lazy("请求体不是有效的 JSON。"),
    "unsupported_media_type": gettext_lazy("不支持的请求内容类型，请使用 application/json。"),
    "not_found": gettext_lazy("未找到。"),
    "permission_denied": gettext_lazy("您没有执行该操作的权限。"),
    "not_authenticated": gettext_lazy("请先登录。"),
    "invalid": gettext_lazy("提交的数据有误，请检查后重试。"),
    "method_not_allowed": gettext_lazy("不支持该请求方法。"),
}


def _error(status_code: int, code: str, detail: str, errors: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "detail": str(detail)}
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code)


def exception_handler(exc, context):
    """Every API error has one shape: {"code", "detail", "errors"?}, with Chinese messages."""
    if isinstance(exc, NotInScope | Http404):
        return _error(404, "not_found", MESSAGES["not_found"])
    if isinstance(exc, CapabilityDenied):
        # A domain refusal explains itself ("隐患当前由…处置，您无权…").
        return _error(403, "permission_denied", exc.message or MESSAGES["permission_denied"])
    if isinstance(exc, DjangoPermissionDenied):
        return _error(403, "permission_denied", MESSAGES["permission_denied"])
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error(400, "invalid", MESSAGES["invalid"], errors)
    if isinstance(exc, TransitionNotAllowed):
        return _error(409, exc.code, exc.message)
    if isinstance(exc, ApplicationError):
        return _error(400, exc.code, exc.message, exc.extra or None)
    if isinstance(exc, exceptions.ParseError):
        return _error(400, "parse_error", MESSAGES["parse_error"])
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _error(415, "unsupported_media_type", MESSAGES["unsupported_media_type"])
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _error(400, "invalid", MESSAGES["invalid"], errors)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code, detail = "not_authenticated", str(MESSAGES["not_authenticated"])
    elif isinstance(exc, exceptions.PermissionDenied):
        code, detail = "permission_denied", str(MESSAGES["permission_denied"])
    elif isinstance(exc, exceptions.MethodNotAllowed):
        code, detail = "method_not_allowed", str(MESSAGES["method_not_allowed"])
    else:
        code = getattr(exc, "default_code", "error")
        detail = str(getattr(exc, "detail", exc))
    response.data = {"code": code, "detail": detail}
    return response


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
