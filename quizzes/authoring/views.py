"""The teacher's quiz sets: the list, a new set, the builder (browse the bank, order the set, a random rule), preview."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quizzes.authoring.forms import (
    AddQuestionForm,
    BankFilterForm,
    MoveForm,
    OwnQuestionForm,
    PreviewForm,
    QuestionTypeForm,
    QuizSetForm,
    RuleForm,
    builder_query,
)
from quizzes.authoring.selectors import (
    bank_page,
    rule_check,
    rule_summary,
    set_contents,
    set_preview,
    teacher_quiz_sets,
)
from quizzes.authoring.services import (
    QuestionInvalid,
    QuestionNotUsable,
    QuizSetRefused,
    own_question_save,
    question_duplicate,
    quiz_set_add_question,
    quiz_set_create,
    quiz_set_move_question,
    quiz_set_remove_question,
    quiz_set_update_rule,
)
from quizzes.bank.fixtures import question_to_dict
from quizzes.htmx import HtmxHttpRequest, redirect_page, refused, region_changed, render_page_or_partial
from quizzes.models import Question, QuizSet
from quizzes.permissions import teacher_question, teacher_quiz_set, teacher_required
from quizzes.sources.selectors import QuotingFrom, quoting_from

TEMPLATES = "quizzes/authoring"
BUILDER = f"{TEMPLATES}/builder.html"
PREVIEW = f"{TEMPLATES}/preview.html"
FORM = f"{TEMPLATES}/question_form.html"


@teacher_required
@require_safe
def set_list(request: HtmxHttpRequest) -> HttpResponse:
    quiz_sets = teacher_quiz_sets(request.user)
    rows = [(quiz_set, rule_summary(quiz_set) if quiz_set.is_random else "") for quiz_set in quiz_sets]
    return render(request, f"{TEMPLATES}/list.html", {"rows": rows})


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def set_create(request: HtmxHttpRequest) -> HttpResponse:
    form = QuizSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz_set = quiz_set_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"{quiz_set.title} is ready: add its questions.")
        return redirect_page(request, reverse("set_builder", args=[quiz_set.pk]))
    return render(request, f"{TEMPLATES}/create.html", {"form": form}, status=422 if form.errors else 200)


def _builder_context(request: HtmxHttpRequest, quiz_set: QuizSet, query: QueryDict, rule_form: RuleForm | None = None):
    filter_form = BankFilterForm(query, teacher=request.user)
    context = {
        "quiz_set": quiz_set,
        "filter_form": filter_form,
        "results": bank_page(request.user, filter_form.bank_filter(), query.get("page")),
        "back": builder_query(query),
        "query": QueryDict(builder_query(query)),
    }
    if quiz_set.is_random:
        rule_form = rule_form or RuleForm.for_set(quiz_set)
        context |= {"rule_form": rule_form, "rule_check": rule_check(rule_form.rule())}
    else:
        contents = set_contents(quiz_set)
        context |= {"contents": contents, "in_set": contents.question_ids}
    return context


@teacher_required
@require_safe
def set_builder(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The whole builder, or (HTMX) just the bank's results as the filters change."""
    quiz_set = teacher_quiz_set(request.user, pk)
    return render_page_or_partial(request, BUILDER, "bank-results", _builder_context(request, quiz_set, request.GET))


def _builder_url(request: HtmxHttpRequest, quiz_set: QuizSet, anchor: str) -> str:
    """The builder again, with the filters the teacher had (posted as `back`)."""
    query = builder_query(request.POST.get("back", ""))
    return f"{reverse('set_builder', args=[quiz_set.pk])}{'?' + query if query else ''}#{anchor}"


def _set_changed(request: HtmxHttpRequest, quiz_set: QuizSet, notice: str, anchor: str, changed_question=None):
    """After a change to a fixed set: the set panel, what the change did, and the question's Add button (HTMX);
    without JavaScript a message and the builder again, with the same filters."""
    contents = set_contents(quiz_set) if request.htmx else None
    context = {
        "quiz_set": quiz_set,
        "contents": contents,
        "in_set": contents.question_ids if contents else set(),
        "back": builder_query(request.POST.get("back", "")),
    }
    also = []
    if changed_question is not None:
        also = [(f"{TEMPLATES}/result_action.html", context | {"question": changed_question, "oob": True})]
    return region_changed(
        request,
        template=BUILDER,
        partial="set-panel",
        context=context,
        also=also,
        message=notice,
        status_line="set-status",
        redirect_to=_builder_url(request, quiz_set, anchor),
    )


def _refused(request: HtmxHttpRequest, quiz_set: QuizSet, refusal: QuizSetRefused) -> HttpResponse:
    back = reverse("set_builder", args=[quiz_set.pk])
    return refused(request, str(refusal), status=refusal.status, back_url=back, back_label=f"Back to {quiz_set.title}")


def _short(prompt: str) -> str:
    return Truncator(prompt).chars(60)


@teacher_required
@require_POST
def set_add_question(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    quiz_set = teacher_quiz_set(request.user, pk)
    form = AddQuestionForm(request.POST)
    if not form.is_valid():
        return _refused(request, quiz_set, QuizSetRefused("Choose a question to add."))
    try:
        item = quiz_set_add_question(quiz_set=quiz_set, teacher=request.user, question_id=form.cleaned_data["question"])
    except QuizSetRefused as refusal:
        return _refused(request, quiz_set, refusal)
    notice = f"Added as question {item.position}: {_short(item.question.prompt)}"
    return _set_changed(request, quiz_set, notice, f"result-{item.question_id}", item.question)


@teacher_required
@require_POST
def set_remove_question(request: HtmxHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    quiz_set = teacher_quiz_set(request.user, pk)
    question = get_object_or_404(
        Question.objects.only("pk", "prompt"), pk=question_pk, quiz_set_items__quiz_set=quiz_set
    )
    try:
        quiz_set_remove_question(quiz_set=quiz_set, question_id=question.pk)
    except QuizSetRefused as refusal:
        return _refused(request, quiz_set, refusal)
    return _set_changed(request, quiz_set, f"Removed: {_short(question.prompt)}", "set-panel", question)


@teacher_required
@require_POST
def set_move_question(request: HtmxHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    quiz_set = teacher_quiz_set(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, quiz_set, QuizSetRefused("Move a question up or down."))
    direction = form.cleaned_data["direction"]
    try:
        quiz_set_move_question(quiz_set=quiz_set, question_id=question_pk, direction=direction)
    except QuizSetRefused as refusal:
        return _refused(request, quiz_set, refusal)
    position = quiz_set.items.get(question_id=question_pk).position
    return _set_changed(request, quiz_set, f"Moved {direction}: now question {position}.", f"set-item-{question_pk}")


@teacher_required
@require_POST
def set_rule(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save a random set's rule; an invalid rule comes back with its errors (422)."""
    quiz_set = teacher_quiz_set(request.user, pk)
    form = RuleForm.for_set(quiz_set, request.POST)
    if form.is_valid():
        try:
            quiz_set = quiz_set_update_rule(quiz_set=quiz_set, **form.cleaned_data)
        except QuizSetRefused as refusal:
            return _refused(request, quiz_set, refusal)
        messages.success(request, "The rule is saved.")
        return redirect(_builder_url(request, quiz_set, "set-panel"))
    context = _builder_context(request, quiz_set, QueryDict(builder_query(request.POST.get("back", ""))), form)
    return render_page_or_partial(request, BUILDER, "set-panel", context, status=422)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def set_rule_count(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """How many bank questions fit the rule as it stands in the form, before it is saved (HTMX: just the count).
    Saves nothing; the button that asks without JavaScript posts, to keep the form's CSRF token out of the URL."""
    quiz_set = teacher_quiz_set(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = RuleForm.for_set(quiz_set, data)
    context = _builder_context(request, quiz_set, QueryDict(builder_query(data.get("back", ""))), form)
    return render_page_or_partial(request, BUILDER, "rule-count", context)


@teacher_required
@require_safe
def set_preview_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The set as a student sees it, with the answers for the teacher; no attempt is made."""
    quiz_set = teacher_quiz_set(request.user, pk)
    shown = PreviewForm.of(request.GET, default_seed=quiz_set.pk)
    preview = set_preview(quiz_set, seed=shown.chosen_seed)
    position = shown.position(len(preview.cards))
    context = {
        "quiz_set": quiz_set,
        "preview": preview,
        "one_at_a_time": shown.one_at_a_time,
        "cards": preview.cards[position - 1 : position] if shown.one_at_a_time else preview.cards,
        "position": position,
        "show_answers": shown.show_answers,
        "new_seed": secrets.randbelow(PreviewForm.MAX_SEED),
        "rule_summary": rule_summary(quiz_set) if quiz_set.is_random else "",
    }
    return render_page_or_partial(request, PREVIEW, "preview", context)


def _target_set(request: HtmxHttpRequest) -> QuizSet | None:
    """The fixed set the teacher came from (?set=), to add the new question to; 404 if it is not theirs."""
    value = request.POST.get("set") or request.GET.get("set")
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404("No such quiz set.")
    quiz_set = teacher_quiz_set(request.user, int(value))
    return None if quiz_set.is_random else quiz_set


def _quoting(request: HtmxHttpRequest) -> QuotingFrom | None:
    """The source and paragraph the teacher came from in the reader (?source=&paragraph=&quote=), or None; a source
    they may not cite is a 404."""
    data = request.POST if request.method == "POST" else request.GET
    return quoting_from(request.user, data)


def _form_page(
    request: HtmxHttpRequest, form: OwnQuestionForm, *, question=None, quiz_set=None, problems=(), quoting=None
):
    context = {"form": form, "question": question, "quiz_set": quiz_set, "problems": problems, "quoting": quoting}
    status = 422 if form.errors or problems else 200
    return render(request, FORM, context, status=status)


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_create(request: HtmxHttpRequest) -> HttpResponse:
    """First the type (?type=), then the form for that type."""
    quiz_set = _target_set(request)
    quoting = _quoting(request)
    chosen = request.POST if request.method == "POST" else (request.GET if "type" in request.GET else None)
    type_form = QuestionTypeForm(chosen)
    if not type_form.is_bound or not type_form.is_valid():
        context = {"type_form": type_form, "quiz_set": quiz_set, "types": Question.Type.choices, "quoting": quoting}
        return render(request, f"{TEMPLATES}/question_type.html", context, status=422 if type_form.errors else 200)
    question_type = type_form.cleaned_data["type"]
    form = OwnQuestionForm(
        request.POST if request.method == "POST" else None,
        initial=quoting.initial if quoting else None,
        question_type=question_type,
        teacher=request.user,
    )
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, quiz_set=quiz_set, quoting=quoting)
    try:
        question = own_question_save(teacher=request.user, data=form.question_dict())
    except QuestionInvalid as invalid:
        return _form_page(request, form, quiz_set=quiz_set, problems=invalid.messages, quoting=quoting)
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
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = teacher_question(request.user, pk)
    quiz_set = _target_set(request)
    initial = OwnQuestionForm.initial_from(question_to_dict(question))
    data = request.POST if request.method == "POST" else None
    quoting = _quoting(request)
    if quoting is not None:
        initial |= quoting.initial
    form = OwnQuestionForm(data, initial=initial, question_type=question.type, teacher=request.user)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, question=question, quiz_set=quiz_set, quoting=quoting)
    try:
        own_question_save(teacher=request.user, data=form.question_dict(), question=question)
    except QuestionInvalid as invalid:
        return _form_page(
            request, form, question=question, quiz_set=quiz_set, problems=invalid.messages, quoting=quoting
        )
    messages.success(request, "Your changes are saved.")
    if quiz_set is not None:
        return redirect_page(request, reverse("set_builder", args=[quiz_set.pk]) + "#set-panel")
    return redirect_page(request, reverse("question_edit", args=[question.pk]))


@teacher_required
@require_POST
def question_duplicate_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Copy a bank question (or one of the teacher's own) into a new question of theirs, and open it to edit."""
    try:
        copy = question_duplicate(teacher=request.user, question_id=pk)
    except QuestionNotUsable as missing:
        raise Http404(str(missing)) from None
    messages.success(request, "This is your own copy: change it as you like. The bank\u2019s question stays as it was.")
    quiz_set = _target_set(request)
    url = reverse("question_edit", args=[copy.pk])
    return redirect_page(request, f"{url}?set={quiz_set.pk}" if quiz_set else url)
