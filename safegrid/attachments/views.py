"""Serving attachment files: the only way their bytes leave the server.

Scope is checked like any other read (out of scope or unknown → 404), the download is audited, and
the response is locked down: the stored (sniffed) content type, nosniff, a sandboxing CSP, images
inline so pages can show them, everything else as a download. Signed-in browsers use their session;
API clients (the mobile app) may send their `Authorization: Token …` header instead.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import View
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings

from safegrid.accounts.roles import Cap
from safegrid.core.scope import grants_for

from . import selectors, services

logger = logging.getLogger(__name__)

OWNER_VIEW_CAPABILITIES = (Cap.VIEW_HAZARD, Cap.VIEW_INSPECTION, Cap.VIEW_PUBLICITY)
CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def _token_user(request):
    """The user of a valid API token in the Authorization header (the API's own authentication
    classes, less the session one, which Django has already applied); None without a token; raises
    AuthenticationFailed for a bad, expired or revoked token."""
    drf_request = Request(request)
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(authentication_class, SessionAuthentication):
            continue
        result = authentication_class().authenticate(drf_request)
        if result is not None:
            return result[0]
    return None


def content_disposition(attachment) -> str:
    disposition = "inline" if attachment.is_image else "attachment"
    return f"{disposition}; filename*=UTF-8''{quote(attachment.original_name, safe='')}"


class AttachmentDownloadView(View):
    """GET /files/<uuid>/: the file, for whoever may view the attachment's owner."""

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        user = request.user
        if not user.is_authenticated:
            try:
                user = _token_user(request)
            except AuthenticationFailed:
                return JsonResponse({"code": "not_authenticated", "detail": _("请先登录。")}, status=401)
            if user is None:
                return redirect_to_login(request.get_full_path())
        if not any(grants_for(user, capability) for capability in OWNER_VIEW_CAPABILITIES):
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        attachment = selectors.attachment_get(actor=user, pk=pk)  # NotInScope → 404 (middleware)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            logger.error("attachment %s has no file on disk (%s)", attachment.pk, attachment.file.name)
            raise Http404(_("未找到。")) from exc
        services.attachment_download_audit(actor=user, attachment=attachment)
        response = FileResponse(handle, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition(attachment)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        # Personal and enforcement evidence: never kept by shared caches or left on disk by the browser.
        response["Cache-Control"] = "private, no-store"
        return response
