"""Signing up with a class code (throttled against guessing), logging in and changing a one-time password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes.accounts.forms import SignupForm
from quizzes.accounts.services import student_signup
from quizzes.classroom.services import JoinCodeGuesses
from quizzes.throttle import client_address


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Signing up with a class code. Wrong codes and taken usernames count against the address (JoinCodeGuesses)
    and past the limit are refused with 429; a taken username is told only with a working code (SignupForm)."""
    if request.user.is_authenticated:
        return redirect("join")
    guesses = JoinCodeGuesses(address=client_address(request))
    if request.method == "POST" and guesses.too_many():
        # Not validated: neither the code nor the username may be tried. What was typed (but the password) stays.
        form = SignupForm(initial={name: request.POST.get(name, "") for name in SignupForm.KEPT_WHEN_REFUSED})
        context = {"form": form, "refusal": guesses.refusal()}
        return render(request, "registration/signup.html", context, status=429)
    form = SignupForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        enrollment = student_signup(**form.signup_data())
        login(request, enrollment.student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome! You have joined {enrollment.classroom.name}.")
        return redirect("student_dashboard")
    if form.tells_a_guesser_something():
        guesses.record_wrong()
    status = 422 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears the one-time-password flag."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        return response


class LoginView(auth_views.LoginView):
    """Django's login; django-axes (settings AXES_*) refuses it after repeated failures, for every login form."""

    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response
