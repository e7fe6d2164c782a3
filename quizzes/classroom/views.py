"""The teacher's classes: making, renaming and archiving them, join codes, and the roster of students."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quizzes.classroom.forms import ArchiveForm, ClassroomForm, JoinForm, RosterAddForm
from quizzes.classroom.names import RosterError
from quizzes.classroom.selectors import classroom_roster, teacher_dashboard
from quizzes.classroom.services import (
    JoinCodeGuesses,
    JoinRefused,
    PasswordResetRefused,
    RosterRepeated,
    classroom_archive,
    classroom_create,
    classroom_rename,
    enrollment_join,
    enrollment_remove,
    enrollment_restore,
    join_code_regenerate,
    student_password_reset,
    students_bulk_create,
)
from quizzes.classroom.sheets import sheet_csv, sheet_read, sheet_rows, sheet_sign
from quizzes.htmx import HtmxHttpRequest, redirect_page, refused, region_changed, render_page_or_partial
from quizzes.models import Classroom, Enrollment
from quizzes.permissions import can_add_students, password_reset_refusal, teacher_classroom, teacher_required
from quizzes.throttle import client_address

TEMPLATES = "quizzes/classroom"
DETAIL = f"{TEMPLATES}/detail.html"


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def class_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = classroom_create(teacher=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"{classroom.name} is ready. Share its join code, or add your students.")
        return redirect_page(request, reverse("class_detail", args=[classroom.pk]))
    return render(request, f"{TEMPLATES}/form.html", {"form": form}, status=422 if form.errors else 200)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def class_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    form = ClassroomForm(request.POST or None, initial={"name": classroom.name})
    if request.method == "POST" and form.is_valid():
        classroom_rename(classroom=classroom, name=form.cleaned_data["name"])
        messages.success(request, f"The class is now called {classroom.name}.")
        return redirect_page(request, reverse("class_detail", args=[classroom.pk]))
    context = {"form": form, "classroom": classroom}
    return render(request, f"{TEMPLATES}/form.html", context, status=422 if form.errors else 200)


@teacher_required
@require_POST
def class_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        return _problem(request, classroom, "Say whether to archive the class or bring it back.", status=400)
    classroom_archive(classroom=classroom, archived=form.cleaned_data["archived"])
    if classroom.archived_at:
        messages.success(
            request,
            f"{classroom.name} is archived: its students no longer see it and its join code no longer works.",
        )
        return redirect_page(request, reverse("teacher_dashboard"))
    messages.success(request, f"{classroom.name} is back among your classes.")
    return redirect_page(request, reverse("class_detail", args=[classroom.pk]))


@teacher_required
@require_POST
def class_regenerate_code(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = join_code_regenerate(classroom=teacher_classroom(request.user, pk))
    notice = f"The new join code is {classroom.join_code}. The old code no longer works."
    return _class_changed(request, classroom, "join-code", notice)


@teacher_required
@require_safe
def class_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    return render(request, DETAIL, _detail_context(request, classroom))


def _class_changed(request: HtmxHttpRequest, classroom: Classroom, region: str, notice: str) -> HttpResponse:
    """Under HTMX the class page's region that changed ("roster" or "join-code") and the notice in its status line;
    without JavaScript the class page again, with the notice."""
    with_roster = region == "roster" and bool(request.htmx)
    context = _detail_context(request, classroom, with_roster=with_roster) | {"focus_roster": region == "roster"}
    return region_changed(
        request,
        template=DETAIL,
        partial=region,
        context=context,
        message=notice,
        status_line="class-status",
        redirect_to=reverse("class_detail", args=[classroom.pk]),
    )


def _problem(request: HtmxHttpRequest, classroom: Classroom, message: str, *, status: int) -> HttpResponse:
    """Why an action on the class was refused, with the way back to the class."""
    back = reverse("class_detail", args=[classroom.pk])
    return refused(request, message, status=status, back_url=back, back_label=f"Back to {classroom.name}")


def _detail_context(request: HtmxHttpRequest, classroom: Classroom, *, with_roster: bool = True) -> dict:
    signup = f"{reverse('signup')}?code={classroom.join_code}"
    context = {"classroom": classroom, "signup_url": request.build_absolute_uri(signup)}
    if with_roster:
        context["roster"] = classroom_roster(classroom)
    return context


def _enrollment(classroom: Classroom, student_pk: int) -> Enrollment:
    """The student's place in this class, current or past; 404 for anyone who was never in it."""
    return get_object_or_404(Enrollment.objects.select_related("student"), classroom=classroom, student_id=student_pk)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def roster_remove(request: HtmxHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """GET asks for confirmation (a page, or a box on the roster under HTMX); POST removes."""
    classroom = teacher_classroom(request.user, pk)
    student = _enrollment(classroom, student_pk).student
    if request.method != "POST":  # GET or HEAD: only show
        context = {"classroom": classroom, "student": student}
        return render_page_or_partial(request, f"{TEMPLATES}/remove.html", "confirm", context)
    enrollment_remove(classroom=classroom, student=student)
    notice = (
        f"{student.display_name} was removed from {classroom.name}. Their attempts are kept; "
        "the gradebook shows them as having left."
    )
    return _class_changed(request, classroom, "roster", notice)


@teacher_required
@require_POST
def roster_restore(request: HtmxHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    student = _enrollment(classroom, student_pk).student
    try:
        enrollment_restore(classroom=classroom, student=student)
    except RosterError as error:
        return _problem(request, classroom, str(error), status=409)
    return _class_changed(request, classroom, "roster", f"{student.display_name} is back in {classroom.name}.")


@never_cache
@sensitive_post_parameters()
@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def roster_password(request: HtmxHttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST gives the student a new one-time password, shown on this answer only.
    Only for the accounts this teacher may reset (the roster shows no button for the others): a 403 says why."""
    classroom = teacher_classroom(request.user, pk)
    enrollment = _enrollment(classroom, student_pk)
    context = {"classroom": classroom, "student": enrollment.student}
    if request.method != "POST":  # GET or HEAD: only show
        refusal = password_reset_refusal(request.user, enrollment.student)
        if refusal:
            return _problem(request, classroom, refusal, status=403)
        return render_page_or_partial(request, f"{TEMPLATES}/password.html", "confirm", context)
    try:
        reset = student_password_reset(classroom=classroom, student=enrollment.student, reset_by=request.user)
    except PasswordResetRefused as refusal:
        return _problem(request, classroom, str(refusal), status=403)
    except RosterError as error:
        return _problem(request, classroom, str(error), status=409)
    rows = sheet_rows([reset])
    context |= {"rows": rows, "login_url": _login_url(request), "reset": True}
    return render(request, f"{TEMPLATES}/added.html", context)


@never_cache
@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def roster_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The form; a valid POST answers with the sheet of new accounts, the only place their passwords appear."""
    classroom = teacher_classroom(request.user, pk)
    form = RosterAddForm(request.POST or None, request.FILES or None)
    context = {"classroom": classroom, "form": form}
    if not can_add_students(classroom):
        return _problem(
            request, classroom, f"{classroom.name} is archived: unarchive it before adding students.", status=409
        )
    if request.method == "POST" and form.is_valid():
        try:
            created = students_bulk_create(
                classroom=classroom, names=form.cleaned_data["roster"], batch=form.cleaned_data["batch"]
            )
        except RosterRepeated as repeated:
            return _problem(request, classroom, str(repeated), status=409)
        except RosterError as error:
            form.add_error(None, str(error))
        else:
            rows = sheet_rows(created)
            sheet = {"rows": rows, "token": sheet_sign(classroom=classroom, rows=rows)}
            return render(request, f"{TEMPLATES}/added.html", context | sheet | {"login_url": _login_url(request)})
    return render(request, f"{TEMPLATES}/add.html", context, status=422 if form.errors else 200)


@never_cache
@sensitive_post_parameters("sheet")
@teacher_required
@require_POST
def roster_sheet_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The sheet of new accounts as CSV, from the signed copy the result page carries (the server keeps none)."""
    classroom = teacher_classroom(request.user, pk)
    try:
        rows = sheet_read(classroom=classroom, token=request.POST.get("sheet", ""))
    except RosterError as error:
        return _problem(request, classroom, str(error), status=400)
    filename = f"{slugify(classroom.name) or 'class'}-new-accounts.csv"
    return HttpResponse(
        sheet_csv(classroom=classroom, rows=rows, login_url=_login_url(request)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _login_url(request: HtmxHttpRequest) -> str:
    return request.build_absolute_uri(reverse("login"))


@teacher_required
@require_safe
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Active classes and their assignments; ?archived=1 lists the archived classes instead."""
    board = teacher_dashboard(request.user, archived=request.GET.get("archived") == "1")
    return render(request, f"{TEMPLATES}/teacher_dashboard.html", {"dashboard": board})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HtmxHttpRequest) -> HttpResponse:
    """Joining by class code; wrong codes are counted (JoinCodeGuesses) and past the limit refused with 429."""
    guesses = JoinCodeGuesses(address=client_address(request), student=request.user)
    if request.method == "POST" and guesses.too_many():
        # Not validated: the code must not be tried at all.
        context = {"form": JoinForm(), "refusal": guesses.refusal()}
        return render(request, "quizzes/classroom/join.html", context, status=429)
    form = JoinForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = enrollment_join(student=request.user, code=form.cleaned_data["join_code"])
        except JoinRefused as refusal:
            form.add_error("join_code", str(refusal))
        else:
            messages.success(request, f"You have joined {enrollment.classroom.name}.")
            return redirect("student_dashboard")
    if form.has_error("join_code"):
        guesses.record_wrong()
    status = 422 if form.errors else 200
    return render(request, "quizzes/classroom/join.html", {"form": form}, status=status)
