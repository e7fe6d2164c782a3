"""The teacher's classes: making, renaming and archiving them, join codes, and the roster of students."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes.classroom.forms import ArchiveForm, ClassroomForm, JoinForm, RosterAddForm
from quizzes.classroom.services import (
    JoinRefused,
    RosterError,
    RosterRepeated,
    classroom_archive,
    classroom_create,
    classroom_rename,
    classroom_roster,
    enrollment_join,
    enrollment_remove,
    enrollment_restore,
    join_code_regenerate,
    sheet_csv,
    sheet_read,
    sheet_rows,
    sheet_sign,
    student_password_reset,
    students_bulk_create,
    teacher_assignments,
    teacher_classes,
)
from quizzes.htmx import redirect_page, render_page_or_partial
from quizzes.models import Classroom, Enrollment
from quizzes.permissions import teacher_classroom, teacher_required

TEMPLATES = "quizzes/classroom"
DETAIL = f"{TEMPLATES}/detail.html"
# What an HTMX action on the class page answers: the region it changed, and the status line saying what happened.
SWAP = f"{TEMPLATES}/swap.html"
PROBLEM = f"{TEMPLATES}/problem.html"


@teacher_required
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = classroom_create(teacher=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"{classroom.name} is ready. Share its join code, or add your students.")
        return redirect_page(request, reverse("class_detail", args=[classroom.pk]))
    return render(request, f"{TEMPLATES}/form.html", {"form": form}, status=422 if form.errors else 200)


@teacher_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
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
def class_archive(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        message = "Say whether to archive the class or bring it back."
        return render(request, PROBLEM, {"classroom": classroom, "message": message}, status=400)
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
def class_regenerate_code(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = join_code_regenerate(classroom=teacher_classroom(request.user, pk))
    notice = f"The new join code is {classroom.join_code}. The old code no longer works."
    if request.htmx:
        context = _detail_context(request, classroom, with_roster=False) | {"notice": notice, "swap": "join-code"}
        return render(request, SWAP, context)
    messages.success(request, notice)
    return redirect("class_detail", classroom.pk)


@teacher_required
@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    return render(request, DETAIL, _detail_context(request, classroom))


def _detail_context(request: HttpRequest, classroom: Classroom, *, with_roster: bool = True) -> dict:
    signup = f"{reverse('signup')}?code={classroom.join_code}"
    context = {"classroom": classroom, "signup_url": request.build_absolute_uri(signup)}
    if with_roster:
        context["roster"] = classroom_roster(classroom)
    return context


def _enrollment(classroom: Classroom, student_pk: int) -> Enrollment:
    """The student's place in this class, current or past; 404 for anyone who was never in it."""
    return get_object_or_404(Enrollment.objects.select_related("student"), classroom=classroom, student_id=student_pk)


@teacher_required
@require_http_methods(["GET", "POST"])
def roster_remove(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """GET asks for confirmation (a page, or a box on the roster under HTMX); POST removes."""
    classroom = teacher_classroom(request.user, pk)
    student = _enrollment(classroom, student_pk).student
    if request.method == "GET":
        context = {"classroom": classroom, "student": student}
        return render_page_or_partial(request, f"{TEMPLATES}/remove.html", "confirm", context)
    enrollment_remove(classroom=classroom, student=student)
    notice = (
        f"{student.display_name} was removed from {classroom.name}. Their attempts are kept; "
        "the gradebook shows them as having left."
    )
    return _roster_changed(request, classroom, notice)


@teacher_required
@require_POST
def roster_restore(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    classroom = teacher_classroom(request.user, pk)
    student = _enrollment(classroom, student_pk).student
    enrollment_restore(classroom=classroom, student=student)
    return _roster_changed(request, classroom, f"{student.display_name} is back in {classroom.name}.")


@never_cache
@sensitive_post_parameters()
@teacher_required
@require_http_methods(["GET", "POST"])
def roster_password(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST gives the student a new one-time password, shown on this answer only."""
    classroom = teacher_classroom(request.user, pk)
    enrollment = _enrollment(classroom, student_pk)
    context = {"classroom": classroom, "student": enrollment.student}
    if request.method == "GET":
        return render_page_or_partial(request, f"{TEMPLATES}/password.html", "confirm", context)
    try:
        reset = student_password_reset(classroom=classroom, student=enrollment.student)
    except RosterError as error:
        return render(request, PROBLEM, context | {"message": str(error)}, status=409)
    rows = sheet_rows([reset])
    context |= {"rows": rows, "login_url": _login_url(request), "reset": True}
    return render(request, f"{TEMPLATES}/added.html", context)


def _roster_changed(request: HttpRequest, classroom: Classroom, notice: str) -> HttpResponse:
    if request.htmx:
        context = _detail_context(request, classroom) | {"notice": notice, "swap": "roster", "focus_roster": True}
        return render(request, SWAP, context)
    messages.success(request, notice)
    return redirect("class_detail", classroom.pk)


@never_cache
@teacher_required
@require_http_methods(["GET", "POST"])
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The form; a valid POST answers with the sheet of new accounts, the only place their passwords appear."""
    classroom = teacher_classroom(request.user, pk)
    form = RosterAddForm(request.POST or None, request.FILES or None)
    context = {"classroom": classroom, "form": form}
    if classroom.archived_at:
        message = f"{classroom.name} is archived: unarchive it before adding students."
        return render(request, PROBLEM, context | {"message": message}, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            created = students_bulk_create(
                classroom=classroom, names=form.cleaned_data["roster"], batch=form.cleaned_data["batch"]
            )
        except RosterRepeated as repeated:
            return render(request, PROBLEM, context | {"message": str(repeated)}, status=409)
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
def roster_sheet_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet of new accounts as CSV, from the signed copy the result page carries (the server keeps none)."""
    classroom = teacher_classroom(request.user, pk)
    try:
        rows = sheet_read(classroom=classroom, token=request.POST.get("sheet", ""))
    except RosterError as error:
        context = {"classroom": classroom, "message": str(error)}
        return render(request, PROBLEM, context, status=400)
    filename = f"{slugify(classroom.name) or 'class'}-new-accounts.csv"
    return HttpResponse(
        sheet_csv(classroom=classroom, rows=rows, login_url=_login_url(request)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _login_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("login"))


@teacher_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Active classes and their assignments; ?archived=1 lists the archived classes instead."""
    showing_archived = request.GET.get("archived") == "1"
    classes = teacher_classes(request.user)
    archived = [classroom for classroom in classes if classroom.archived_at]
    context = {
        "showing_archived": showing_archived,
        "classes": archived if showing_archived else [c for c in classes if not c.archived_at],
        "archived_count": len(archived),
        "assignments": [] if showing_archived else teacher_assignments(request.user),
    }
    return render(request, "quizzes/classroom/teacher_dashboard.html", context)


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
    return render(request, "quizzes/classroom/join.html", {"form": form}, status=status)
