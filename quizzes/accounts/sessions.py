"""How long a sign-in lasts, for shared classroom computers.

A student's sign-in ends when the browser closes (the session cookie has no expiry date) and after
settings.STUDENT_SESSION_IDLE_SECONDS without a request (the session's expiry date on the server), so a student who
walks away from a classroom computer without logging out is logged out by closing the browser, or soon anyway. A
teacher's or an admin's, usually on their own computer, lasts settings.TEACHER_SESSION_IDLE_SECONDS without a
request, browser closed or not. The server's expiry date moves forward with use: SessionLengthMiddleware saves the
session again when it is more than REFRESH_SECONDS old, so an active user is never logged out mid-lesson and the
database takes at most one session write per user in that time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

#: How stale a session's expiry date may get before a request moves it forward (one session write).
REFRESH_SECONDS = 5 * 60
_SEEN_AT = "quizzes_seen_at"


def session_length_apply(session, user) -> None:
    """Set the session's expiry for this user (see the module docstring) and note when it was set."""
    if getattr(user, "is_teacher", False) or user.is_staff:
        session.set_expiry(settings.TEACHER_SESSION_IDLE_SECONDS)
    else:
        # 0: the cookie ends with the browser; the server keeps the session SESSION_COOKIE_AGE, the student's idle time.
        session.set_expiry(0)
    session[_SEEN_AT] = int(time.time())


@receiver(user_logged_in, dispatch_uid="quizzes.accounts.sessions.session_length_at_login")
def session_length_at_login(sender, request, user, **kwargs) -> None:
    """Every way in (the login page, the admin's, signup, a test's force_login) logs in through auth.login."""
    if request is not None and hasattr(request, "session"):
        session_length_apply(request.session, user)


class SessionLengthMiddleware:
    """Moves a signed-in user's session expiry forward when it is more than REFRESH_SECONDS old (after the view, so
    the view's own login or logout comes first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            seen_at = request.session.get(_SEEN_AT, 0)
            if not isinstance(seen_at, int) or time.time() - seen_at > REFRESH_SECONDS:
                session_length_apply(request.session, user)
        return response
