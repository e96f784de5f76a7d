import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def filing_status(context, plan) -> str:
    """The plan's filing status today (the list's `today`, else the local date)."""
    today = context.get("today")
    if not isinstance(today, datetime.date):
        today = timezone.localdate()
    return plan.filing_status(today)
