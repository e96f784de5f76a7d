"""The lockout check in front of Django's ModelBackend (SECURITY.md A5)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Every sign-in entry point (the login form, the token exchange)
    passes the HTTP request and is covered; a call without a request is an in-process check (the
    test client's `login()`, a management command) with no remote client to lock out, so it is
    left to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
