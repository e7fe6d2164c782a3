"""Signing up with a class code and joining further classes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quizzes.forms import JoinForm, SignupForm
from quizzes.services.classes import JoinRefused, enrollment_join


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("join")
    form = SignupForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            student = form.save()
            enrollment = enrollment_join(student=student, code=form.cleaned_data["join_code"])
        login(request, student, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome! You have joined {enrollment.classroom.name}.")
        return redirect("student_dashboard")
    status = 422 if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = enrollment_join(student=request.user, code=form.cleaned_data["join_code"])
        except JoinRefused as refused:
            form.add_error("join_code", str(refused))
        else:
            messages.success(request, f"You have joined {enrollment.classroom.name}.")
            return redirect("student_dashboard")
    status = 422 if form.errors else 200
    return render(request, "quizzes/join.html", {"form": form}, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also clears the one-time-password flag."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        return response
