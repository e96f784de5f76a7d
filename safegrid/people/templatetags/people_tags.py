from django import template
from django.utils import timezone

from ..choices import CertificateStatus

register = template.Library()


@register.inclusion_tag("people/_certificate_status.html")
def certificate_status(certificate):
    """The certificate's status badge: the SQL annotation when the selector added it, else today's."""
    status = getattr(certificate, "status", None) or certificate.status_on(timezone.localdate())
    return {"status": status, "label": CertificateStatus(status).label}
