"""Teachers' own questions: writing one, editing it, and copying a bank question to make it their own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from quizzes.bank_io import question_to_dict
from quizzes.forms_builder import OwnQuestionForm, QuestionTypeForm
from quizzes.models import Question, QuizSet
from quizzes.selectors_bank import teacher_quiz_set
from quizzes.services.own_questions import QuestionInvalid, QuestionNotUsable, own_question_save, question_duplicate
from quizzes.services.quiz_sets import QuizSetRefused, quiz_set_add_question
from quizzes.views.decorators import teacher_required
from quizzes.views.rendering import redirect_page

TEMPLATES = "quizzes/teacher/builder"
FORM = f"{TEMPLATES}/question_form.html"


def _teacher_question(user, pk: int) -> Question:
    """The teacher's own question, or 404: bank questions and other teachers' are not theirs to edit
    (the rule of quizzes.permissions.can_edit_question, applied in the query)."""
    return get_object_or_404(Question.objects.with_answers().prefetch_related("topics"), pk=pk, owner_id=user.pk)


def _target_set(request: HttpRequest) -> QuizSet | None:
    """The fixed set the teacher came from (?set=), to add the new question to; 404 if it is not theirs."""
    value = request.POST.get("set") or request.GET.get("set")
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404("No such quiz set.")
    quiz_set = teacher_quiz_set(request.user, int(value))
    return None if quiz_set.is_random else quiz_set


def _form_page(request: HttpRequest, form: OwnQuestionForm, *, question=None, quiz_set=None, problems=()):
    context = {"form": form, "question": question, "quiz_set": quiz_set, "problems": problems}
    status = 422 if form.errors or problems else 200
    return render(request, FORM, context, status=status)


@teacher_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    """First the type (?type=), then the form for that type."""
    quiz_set = _target_set(request)
    chosen = request.POST if request.method == "POST" else (request.GET if "type" in request.GET else None)
    type_form = QuestionTypeForm(chosen)
    if not type_form.is_bound or not type_form.is_valid():
        context = {"type_form": type_form, "quiz_set": quiz_set, "types": Question.Type.choices}
        return render(request, f"{TEMPLATES}/question_type.html", context, status=422 if type_form.errors else 200)
    question_type = type_form.cleaned_data["type"]
    form = OwnQuestionForm(request.POST if request.method == "POST" else None, question_type=question_type)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, quiz_set=quiz_set)
    try:
        question = own_question_save(teacher=request.user, data=form.question_dict())
    except QuestionInvalid as invalid:
        return _form_page(request, form, quiz_set=quiz_set, problems=invalid.messages)
    if quiz_set is None:
        messages.success(request, "Your question is saved. Find it under \u201cMine\u201d in any set\u2019s builder.")
        return redirect_page(request, reverse("question_edit", args=[question.pk]))
    try:
        item = quiz_set_add_question(quiz_set=quiz_set, teacher=request.user, question_id=question.pk)
        messages.success(request, f"Your question is saved and added to {quiz_set.title} as question {item.position}.")
    except QuizSetRefused as refused:
        messages.warning(request, f"Your question is saved, but not added: {refused}")
    return redirect_page(request, reverse("set_builder", args=[quiz_set.pk]) + "#set-panel")


@teacher_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _teacher_question(request.user, pk)
    quiz_set = _target_set(request)
    initial = OwnQuestionForm.initial_from(question_to_dict(question))
    data = request.POST if request.method == "POST" else None
    form = OwnQuestionForm(data, initial=initial, question_type=question.type)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, question=question, quiz_set=quiz_set)
    try:
        own_question_save(teacher=request.user, data=form.question_dict(), question=question)
    except QuestionInvalid as invalid:
        return _form_page(request, form, question=question, quiz_set=quiz_set, problems=invalid.messages)
    messages.success(request, "Your changes are saved.")
    if quiz_set is not None:
        return redirect_page(request, reverse("set_builder", args=[quiz_set.pk]) + "#set-panel")
    return redirect_page(request, reverse("question_edit", args=[question.pk]))


@teacher_required
@require_POST
def question_duplicate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a bank question (or one of the teacher's own) into a new question of theirs, and open it to edit."""
    try:
        copy = question_duplicate(teacher=request.user, question_id=pk)
    except QuestionNotUsable as missing:
        raise Http404(str(missing)) from None
    messages.success(request, "This is your own copy: change it as you like. The bank\u2019s question stays as it was.")
    quiz_set = _target_set(request)
    url = reverse("question_edit", args=[copy.pk])
    return redirect_page(request, f"{url}?set={quiz_set.pk}" if quiz_set else url)
