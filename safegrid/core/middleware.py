import uuid

from . import audit, context


class RequestContextMiddleware:
    """Gives every request an id (echoed in X-Request-ID) and records IP and device for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        token = context.set_current(
            context.RequestContext(
                ip=request.META.get("REMOTE_ADDR") or None,
                request_id=request_id,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            # Lookups refused during the view are recorded once it has answered (and its transactions
            # have ended): one "scope.denied" record per existing object, on a 404 only (core.audit).
            with audit.scope_denials_collected() as denials:
                response = self.get_response(request)
                audit.record_scope_denials(
                    denials, actor=getattr(request, "user", None), status_code=response.status_code
                )
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainExceptionMiddleware:
    """Pages: NotInScope → 404 and CapabilityDenied → 403, the same answer as the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .exceptions import CapabilityDenied, NotInScope

        if isinstance(exception, NotInScope):
            raise Http404("未找到。") from exception
        if isinstance(exception, CapabilityDenied):
            raise PermissionDenied(str(exception)) from exception
        return None
