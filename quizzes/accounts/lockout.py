"""What django-axes (the login throttle, configured in settings under AXES_*) asks of us: which account a login
counts against, and the page a refused login gets."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# AccessAttempt.username's length. Django's login form checks a username's length only in the browser, so longer
# names do reach authenticate(); uncut, PostgreSQL would refuse to save the attempt (a 500).
USERNAME_LENGTH = 255


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a login attempt counts against, in the form the login itself compares: Django's login form and
    User.normalize_username apply NFKC, so "ｓａｓｈａ" (fullwidth) and "𝐬𝐚𝐬𝐡𝐚" (mathematical bold) log in as
    "sasha" and must share her counter. No case folding: logging in is case-sensitive (ModelBackend matches the
    username exactly on SQLite and PostgreSQL, and signup refuses names that differ only in case), so "SASHA" is
    not a way into sasha's account."""
    source = credentials if credentials is not None else request.POST
    username = source.get("username")
    if username is None:
        return None
    return unicodedata.normalize("NFKC", str(username)[:USERNAME_LENGTH])[:USERNAME_LENGTH]


def login_refused(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The login page again, saying why, with 429: for our login and the admin's alike. The form is not bound:
    validating it would try the password once more."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": login_username(request, credentials) or ""})
    refusal = (
        f"Too many failed logins for this account from here. Wait {minutes} minutes and try again, or ask your teacher."
    )
    context = {"form": form, "refusal": refusal, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
