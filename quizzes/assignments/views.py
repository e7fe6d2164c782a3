"""The teacher's assignments: assigning a set to classes, settings, closing and reopening, accommodations.

The views share their names with the services that do the work (`services.assignment_close`, ...)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from quizzes.assignments import services
from quizzes.assignments.forms import (
    AccommodationForm,
    AssignmentCreateForm,
    AssignmentSettingsForm,
    ReopenForm,
)
from quizzes.assignments.selectors import accommodation_rows, assignment_counts
from quizzes.assignments.services import (
    AssignmentError,
    AssignmentUnchanged,
    accommodation_set,
    assignment_update,
)
from quizzes.htmx import HtmxHttpRequest, redirect_page, region_changed, render_page_or_partial
from quizzes.models import Assignment
from quizzes.permissions import assignable_quiz_set, teacher_assignment, teacher_required

TEMPLATES = "quizzes/assignments"
CREATE = f"{TEMPLATES}/create.html"
DETAIL = f"{TEMPLATES}/detail.html"
ACCOMMODATIONS = f"{TEMPLATES}/accommodations.html"


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz_set = assignable_quiz_set(request.user, pk)
    form = AssignmentCreateForm(request.POST or None, teacher=request.user, quiz_set=quiz_set)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assignment_create(
                teacher=request.user,
                quiz_set=quiz_set,
                classrooms=list(form.cleaned_data["classrooms"]),
                settings=form.assignment_settings(),
            )
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            names = ", ".join(assignment.classroom.name for assignment in created)
            messages.success(request, f"{created[0].display_title} is assigned to {names}.")
            url = (
                reverse("assignment_detail", args=[created[0].pk])
                if len(created) == 1
                else reverse("teacher_dashboard")
            )
            return redirect_page(request, url)
    context = {"form": form, "quiz_set": quiz_set}
    return render_page_or_partial(request, CREATE, "assign-form", context, status=422 if form.errors else 200)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The assignment in words, its counts, and (POST) a change of its settings."""
    assignment = teacher_assignment(request.user, pk)
    initial = AssignmentSettingsForm.initial_for(assignment)
    form = AssignmentSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_update(assignment=assignment, settings=form.assignment_settings())
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The settings are saved.")
            return redirect_page(request, reverse("assignment_detail", args=[assignment.pk]))
    context = _detail_context(assignment, settings_form=form)
    return render_page_or_partial(request, DETAIL, "settings-form", context, status=422 if form.errors else 200)


def _detail_context(assignment: Assignment, **forms) -> dict:
    now = timezone.now()
    context = {
        "assignment": assignment,
        "now": now,
        "status": assignment.status(now),
        "counts": assignment_counts(assignment),
        "settings_form": AssignmentSettingsForm(initial=AssignmentSettingsForm.initial_for(assignment)),
        "reopen_form": ReopenForm(assignment=assignment, now=now),
    }
    return context | forms


@teacher_required
@require_POST
def assignment_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = teacher_assignment(request.user, pk)
    try:
        submitted = services.assignment_close(assignment=assignment)
    except AssignmentUnchanged as unchanged:
        messages.info(request, str(unchanged))
    else:
        messages.success(request, _closed_notice(submitted))
    return redirect_page(request, reverse("assignment_detail", args=[assignment.pk]))


def _closed_notice(submitted: int) -> str:
    notice = "Closed: students can no longer start this quiz."
    if submitted == 1:
        return f"{notice} 1 attempt under way was submitted with the answers saved so far."
    if submitted:
        return f"{notice} {submitted} attempts under way were submitted with the answers saved so far."
    return notice


@teacher_required
@require_POST
def assignment_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = teacher_assignment(request.user, pk)
    form = ReopenForm(request.POST, assignment=assignment)
    if form.is_valid():
        try:
            services.assignment_reopen(assignment=assignment, due_at=form.cleaned_data["due_at"], now=form.now)
        except AssignmentUnchanged as unchanged:
            messages.info(request, str(unchanged))
            return redirect_page(request, reverse("assignment_detail", args=[assignment.pk]))
        except AssignmentError as error:
            form.add_error("due_at", str(error))
        else:
            messages.success(request, "Reopened: students can start this quiz again.")
            return redirect_page(request, reverse("assignment_detail", args=[assignment.pk]))
    context = _detail_context(assignment, reopen_form=form)
    return render_page_or_partial(request, DETAIL, "close-panel", context, status=422)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def accommodation_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The class's students with what each has beyond the settings; POST sets (or, with `clear`, removes) one."""
    assignment = teacher_assignment(request.user, pk)
    if request.method != "POST":  # GET or HEAD: only show
        rows = accommodation_rows(assignment)
        chosen = next((row for row in rows if str(row.student.pk) == request.GET.get("student")), None)
        form = AccommodationForm.for_row(chosen, assignment=assignment)
        context = {"assignment": assignment, "rows": rows, "form": form, "chosen": chosen}
        return render_page_or_partial(request, ACCOMMODATIONS, "accommodations", context)
    form = AccommodationForm(request.POST, assignment=assignment)
    if form.is_valid():
        try:
            accommodation_set(
                assignment=assignment, student=form.cleaned_data["student"], terms=form.accommodation_terms()
            )
        except AssignmentError as error:
            form.add_error(None, str(error))
        else:
            context = {
                "assignment": assignment,
                "rows": accommodation_rows(assignment) if request.htmx else [],
                "form": AccommodationForm(assignment=assignment),
            }
            return region_changed(
                request,
                template=ACCOMMODATIONS,
                partial="accommodations",
                context=context,
                message=form.saved_notice(),
                status_line="accommodation-status",
                redirect_to=reverse("accommodation_edit", args=[assignment.pk]),
            )
    # A Clear button carries only a student: what went wrong shows above an empty form.
    context = {"assignment": assignment, "rows": accommodation_rows(assignment)}
    context |= {"form": AccommodationForm(assignment=assignment), "refused": form} if form.clearing else {"form": form}
    return render_page_or_partial(request, ACCOMMODATIONS, "accommodations", context, status=422)
