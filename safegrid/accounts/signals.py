"""Receivers of Django's sign-in signals that keep session bookkeeping (not domain logic)."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .policies import SESSION_LOGIN_AT, SESSION_SEEN_AT


@receiver(user_logged_in)
def stamp_session(sender, request, user, **kwargs):
    """The absolute and idle limits (S1) count from this sign-in, also when the same user signs in
    again over an older session."""
    session = getattr(request, "session", None)
    # Only a session sign-in (the token exchange sends the signal too, without signing a session in).
    if session is not None and SESSION_KEY in session:
        now = time.time()
        session[SESSION_LOGIN_AT] = now
        session[SESSION_SEEN_AT] = now
