"""Jobs of the accounts app: thin wrappers (STYLE.md); schedules in settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="safegrid.accounts.tasks.clear_sessions")
def clear_sessions() -> None:
    """Delete the expired sessions from the session store (`manage.py clearsessions`) and the
    expired API tokens: a session never signed out (the browser closed) or a phone's token never
    revoked leaves no row once it has expired (SECURITY.md D6, 剩余信息保护). Running it again
    deletes nothing more."""
    from . import services

    call_command("clearsessions")
    services.api_tokens_purge_expired()
