"""Signing up with a class code, logging in (throttled) and changing a one-time password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes.accounts.forms import SignupForm
from quizzes.accounts.services import student_signup
from quizzes.accounts.throttle import block_minutes, login_blocked, login_failed, login_succeeded


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("join")
    form = SignupForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        enrollment = student_signup(**form.signup_data())
        login(request, enrollment.student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome! You have joined {enrollment.classroom.name}.")
        return redirect("student_dashboard")
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
    """Django's login, refusing (429) an account or address after repeated failures."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_blocked(username, client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                f"Too many failed logins. Wait {block_minutes()} minutes and try again, or ask your teacher.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failed(self.request.POST.get("username", ""), client_address(self.request))
        response = super().form_invalid(form)
        response.status_code = 422
        return response

    def form_valid(self, form):
        login_succeeded(form.get_user().get_username())
        return super().form_valid(form)


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a proxy, set the proxy to overwrite REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "")
