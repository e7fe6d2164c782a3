"""Django admin: every page for staff, questions refused by check_bank's rules, actions, preview, GIFT import."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.admin.sites import site
from django.forms import CheckboxInput
from django.urls import reverse

from quizzes.attempts.admin import AttemptAdmin
from quizzes.bank.gift import parse_gift
from quizzes.models import Attempt, Choice, OrderingItem, Question, Response
from tests import factories
from tests.conftest import client_for

QUOTE = "The Central Committee ignored Lenin's instructions."
SOURCE_TEXT = f"In September 1917 Lenin wrote from Finland. {QUOTE} He was furious."


@pytest.fixture(autouse=True)
def source_texts(settings, tmp_path):
    """A small copy of the Figes text, so quote checks do not depend on the shared seeds being here."""
    (tmp_path / "000_bbd3b2b247186d94.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    settings.SOURCE_TEXTS_DIR = tmp_path
    return tmp_path


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


def text(response) -> str:
    return unescape(response.content.decode())


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:quizzes_{name}", args=args)


def form_data(response) -> dict:
    """A change page's form and inline formsets as a browser would post them untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else value
    return data


def change_page_data(client, question: Question) -> dict:
    return form_data(client.get(admin_url("question_change", question.pk)))


# ------------------------------------------------------------------------------------------ pages


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("question", ""),
        ("question", "?type__exact=single&status__exact=published&difficulty__exact=1&owned=bank"),
        ("question", "?skill__exact=corroboration"),
        ("question", "?source=none"),
        ("question", "?owned=teachers&q=Central"),
        ("source", "?q=Figes"),
        ("topic", ""),
        ("classroom", "?archived_at__isempty=1&q=History"),
        ("quizset", "?kind__exact=fixed"),
        ("assignment", "?feedback__exact=each"),
        ("attempt", "?is_late__exact=0&q=sasha"),
        ("user", "?role__exact=teacher&q=teacher"),
    ],
)
def test_changelists_with_filters_and_search_load_for_staff(school, admin_client, model, query):
    factories.AttemptFactory(student=school.student, assignment=school.assignment)
    response = admin_client.get(admin_url(f"{model}_changelist") + query)
    assert response.status_code == 200
    assert "errornote" not in text(response)


def test_question_list_filters_by_source_topic_and_search(school, admin_client):
    votes = factories.TopicFactory()
    school.questions["numeric"].topics.add(votes)
    source = school.questions["single"].first_citation.source
    page = text(admin_client.get(admin_url("question_changelist") + f"?topics__id__exact={votes.pk}"))
    assert school.questions["numeric"].prompt[:60] in page
    assert school.questions["single"].prompt[:60] not in page
    page = text(admin_client.get(admin_url("question_changelist") + f"?source={source.pk}"))
    assert "7 questions" in page
    page = text(admin_client.get(admin_url("question_changelist") + f"?q={school.questions['ordering'].key}"))
    assert "1 question" in page


# Measured on the school fixture alone; the test adds many more rows of everything, so a count that
# grew with the rows would break it.
LIST_QUERIES = {
    "question": 9,
    "source": 6,
    "topic": 5,
    "classroom": 5,
    "quizset": 5,
    "assignment": 5,
    "attempt": 5,
    "user": 5,
}


def more_of_everything(school) -> None:
    topic = factories.TopicFactory()
    for question in factories.QuestionFactory.create_batch(8, multiple=True):
        question.topics.add(topic)
    factories.QuestionFactory.create_batch(3, owner=school.teacher, with_parts=False, true_false=True)
    for _ in range(3):
        classroom = factories.ClassroomFactory()
        factories.EnrollmentFactory.create_batch(4, classroom=classroom)
        assignment = factories.AssignmentFactory(classroom=classroom)
        for student in (school.student, school.classmate, school.stranger):
            factories.AttemptFactory(student=student, assignment=assignment)
    factories.SourceFactory(file_name="003_d2084e1c6c5dfc8e.txt", author="Richard Pipes")


@pytest.mark.parametrize("model", list(LIST_QUERIES))
def test_every_list_page_takes_a_fixed_number_of_queries(school, admin_client, django_assert_num_queries, model):
    more_of_everything(school)
    with django_assert_num_queries(LIST_QUERIES[model]):
        assert admin_client.get(admin_url(f"{model}_changelist")).status_code == 200


def test_question_change_page_has_every_part_inline_with_its_preview_link(school, admin_client):
    question = school.questions["single"]
    page = text(admin_client.get(admin_url("question_change", question.pk)))
    for prefix in ("citations", "choices", "accepted_answers", "ordering_items", "matching_pairs"):
        assert f'name="{prefix}-TOTAL_FORMS"' in page
    assert "It ignored them" in page
    assert admin_url("question_preview", question.pk) in page


@pytest.mark.parametrize(
    ("model", "attribute", "inline"),
    [
        ("classroom", "classroom", "enrollments-TOTAL_FORMS"),
        ("assignment", "assignment", "accommodations-TOTAL_FORMS"),
    ],
)
def test_class_and_assignment_pages_have_their_inlines(school, admin_client, model, attribute, inline):
    page = text(admin_client.get(admin_url(f"{model}_change", getattr(school, attribute).pk)))
    assert inline in page


def test_quiz_set_page_lists_its_questions_inline(school, admin_client):
    page = text(admin_client.get(admin_url("quizset_change", school.assignment.quiz_set.pk)))
    assert "items-TOTAL_FORMS" in page
    assert 'value="7"' in page


def test_add_pages_load(admin_client):
    for model in ("question", "source", "topic", "classroom", "quizset", "assignment"):
        assert admin_client.get(admin_url(f"{model}_add")).status_code == 200


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_people_who_are_not_staff_are_sent_to_the_admin_login(school, who):
    client = client_for(getattr(school, who))
    question = school.questions["single"]
    for url in (
        admin_url("question_changelist"),
        admin_url("question_change", question.pk),
        admin_url("question_preview", question.pk),
        admin_url("question_import_gift"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = client.get(admin_url("question_import_gift"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


# ------------------------------------------------------------------ questions refused by the bank's rules


def test_a_sound_change_is_saved(school, admin_client):
    question = school.questions["single"]
    data = change_page_data(admin_client, question) | {"prompt": "According to Figes, what did the CC do first?"}
    response = admin_client.post(admin_url("question_change", question.pk), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.prompt == "According to Figes, what did the CC do first?"


def test_single_choice_with_two_right_answers_is_refused_and_nothing_changes(school, admin_client):
    question = school.questions["single"]
    data = change_page_data(admin_client, question)
    wrong_row = next(k for k, v in data.items() if k.endswith("-text") and v == "It voted to rise")
    data[wrong_row.replace("-text", "-is_correct")] = "on"
    data["prompt"] = "A prompt that must not be saved"
    response = admin_client.post(admin_url("question_change", question.pk), data)
    assert response.status_code == 200
    assert "single-choice question must have exactly one correct choice, has 2" in text(response)
    question.refresh_from_db()
    assert question.prompt != "A prompt that must not be saved"
    assert list(Choice.objects.filter(question=question, is_correct=True).values_list("text", flat=True)) == [
        "It ignored them"
    ]


def test_the_refused_page_keeps_what_was_typed(school, admin_client):
    question = school.questions["single"]
    data = change_page_data(admin_client, question) | {"explanation": "", "prompt": "Typed but not saved?"}
    response = admin_client.post(admin_url("question_change", question.pk), data)
    page = text(response)
    assert "is published with no explanation" in page
    assert "Typed but not saved?" in page


def add_ordering_data(items: list[str]) -> dict:
    data = {
        "type": "ordering",
        "prompt": "Put these in order.",
        "explanation": "Kornilov came first.",
        "difficulty": "2",
        "skill": "chronology",
        "status": "published",
        "points": "1",
        "tolerance": "0",
        "citations-0-source": str(factories.SourceFactory().pk),
        "citations-0-quote": QUOTE,
        "citations-0-position": "0",
    }
    rows = {"citations": 1, "choices": 0, "accepted_answers": 0, "ordering_items": len(items), "matching_pairs": 0}
    for prefix, total in rows.items():
        data |= {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}
        data |= {f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for n, item in enumerate(items):
        data |= {f"ordering_items-{n}-text": item, f"ordering_items-{n}-position": str(n)}
    return data


def test_a_sound_new_ordering_question_is_added(admin_client):
    response = admin_client.post(admin_url("question_add"), add_ordering_data(["Kornilov", "10 October", "25 October"]))
    assert response.status_code == 302
    question = Question.objects.get()
    assert [i.text for i in question.ordering_items.all()] == ["Kornilov", "10 October", "25 October"]
    assert question.skill == "chronology"


def test_a_published_bank_question_without_a_skill_is_refused_and_a_draft_is_not(admin_client):
    data = add_ordering_data(["Kornilov", "10 October", "25 October"]) | {"skill": ""}
    assert "has no skill" in text(admin_client.post(admin_url("question_add"), data))
    assert not Question.objects.exists()
    response = admin_client.post(admin_url("question_add"), data | {"status": "draft"})
    assert response.status_code == 302
    assert Question.objects.get().skill == ""


def test_a_new_ordering_question_with_two_items_is_refused_and_nothing_is_created(admin_client):
    response = admin_client.post(admin_url("question_add"), add_ordering_data(["Kornilov", "10 October"]))
    assert response.status_code == 200
    assert "ordering question has 2 items, fewer than 3" in text(response)
    assert not Question.objects.exists()
    assert not OrderingItem.objects.exists()


def test_an_evidence_quote_not_in_its_document_is_refused(school, admin_client):
    question = school.questions["true_false"]
    data = change_page_data(admin_client, question) | {"citations-0-quote": "Lenin was never in Finland."}
    page = text(admin_client.post(admin_url("question_change", question.pk), data))
    assert "citation 1 evidence quote not found in 000_bbd3b2b247186d94.txt" in page
    assert question.citations.get().quote == QUOTE


def test_quotes_are_not_looked_for_when_the_texts_are_absent(school, admin_client, settings, tmp_path):
    settings.SOURCE_TEXTS_DIR = tmp_path / "not-here"
    question = school.questions["true_false"]
    data = change_page_data(admin_client, question) | {"citations-0-quote": "Lenin was never in Finland."}
    assert admin_client.post(admin_url("question_change", question.pk), data).status_code == 302
    assert question.citations.get().quote == "Lenin was never in Finland."


def test_a_published_bank_question_needs_a_source(school, admin_client):
    question = school.questions["numeric"]
    data = change_page_data(admin_client, question) | {"citations-0-DELETE": "on"}
    page = text(admin_client.post(admin_url("question_change", question.pk), data))
    assert "is published with no source" in page
    assert question.citations.exists()


def test_a_prompt_repeating_another_bank_question_is_refused(school, admin_client):
    question, other = school.questions["numeric"], school.questions["single"]
    data = change_page_data(admin_client, question) | {"prompt": other.prompt.upper()}
    page = text(admin_client.post(admin_url("question_change", question.pk), data))
    assert f"duplicate prompt: same as question {other.key}" in page


# ------------------------------------------------------------------------------------------ preview


@pytest.mark.parametrize("qtype", [t.value for t in Question.Type])
def test_preview_shows_the_question_as_a_student_sees_it_then_the_answer(school, admin_client, qtype):
    question = school.questions[qtype]
    response = admin_client.get(admin_url("question_preview", question.pk))
    assert response.status_code == 200
    page = text(response)
    assert question.prompt in page
    assert question.correct_answer_text() in page
    assert question.explanation in page
    assert QUOTE in page
    assert "Orlando Figes" in page


def test_preview_shows_the_choices_and_no_form_to_submit(school, admin_client):
    page = text(admin_client.get(admin_url("question_preview", school.questions["matching"].pk)))
    assert 'name="match-0"' in page
    assert "chaired the MRC" in page
    assert "Check answer" not in page


def test_preview_of_a_missing_question_is_404(admin_client):
    assert admin_client.get(admin_url("question_preview", 9999)).status_code == 404


# ------------------------------------------------------------------------------------------ actions


def run_action(client, action: str, questions: list[Question]):
    data = {"action": action, "_selected_action": [q.pk for q in questions]}
    return client.post(admin_url("question_changelist"), data, follow=True)


def test_publish_publishes_sound_drafts_and_says_why_others_stay_drafts(admin_client, db):
    sound = factories.QuestionFactory(status=Question.Status.DRAFT)
    unsourced = factories.QuestionFactory(status=Question.Status.DRAFT, with_parts=False, true_false=True)
    page = text(run_action(admin_client, "publish", [sound, unsourced]))
    sound.refresh_from_db()
    unsourced.refresh_from_db()
    assert (sound.status, unsourced.status) == ("published", "draft")
    assert "Published 1 question." in page
    assert f"Question {unsourced.pk} ({unsourced.key}) was not published: is published with no source" in page


def test_unpublish_makes_drafts(school, admin_client):
    questions = [school.questions["single"], school.questions["numeric"]]
    page = text(run_action(admin_client, "unpublish", questions))
    assert "2 questions made draft." in page
    assert set(Question.objects.filter(pk__in=[q.pk for q in questions]).values_list("status", flat=True)) == {"draft"}


@pytest.mark.parametrize("qtype", ["single", "short_text", "ordering", "matching"])
def test_duplicate_copies_every_part_as_a_draft_with_no_key(school, admin_client, qtype):
    original = school.questions[qtype]
    original.topics.add(factories.TopicFactory())
    run_action(admin_client, "duplicate", [original])
    copy = Question.objects.get(copied_from=original)
    assert (copy.key, copy.status, copy.owner) == ("", "draft", None)
    assert copy.prompt == original.prompt
    assert copy.correct_answer_text() == original.correct_answer_text()
    assert [c.quote for c in copy.citations.all()] == [QUOTE]
    assert list(copy.topics.all()) == list(original.topics.all())
    assert [c.text for c in copy.choices.all()] == [c.text for c in original.choices.all()]


def test_export_action_downloads_the_selected_questions_as_gift(school, admin_client):
    chosen = [school.questions["single"], school.questions["true_false"], school.questions["ordering"]]
    response = admin_client.post(
        admin_url("question_changelist"), {"action": "export_gift", "_selected_action": [q.pk for q in chosen]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift"'
    items = parse_gift(response.content.decode("utf-8"))
    assert [item.title for item in items] == [q.key for q in chosen]


# ------------------------------------------------------------------------------------------ attempts


@pytest.fixture
def attempt(school):
    attempt = factories.AttemptFactory(student=school.student, assignment=school.assignment)
    factories.ResponseFactory(attempt=attempt, question=school.questions["single"], position=1)
    return attempt


def test_attempts_cannot_be_added_or_changed(attempt, admin_user, rf):
    request = rf.get("/")
    request.user = admin_user
    attempt_admin = AttemptAdmin(Attempt, site)
    assert not attempt_admin.has_add_permission(request)
    assert not attempt_admin.has_change_permission(request, attempt)
    assert attempt_admin.has_delete_permission(request, attempt)


def test_attempt_page_is_read_only_with_its_responses(attempt, admin_client):
    response = admin_client.get(admin_url("attempt_change", attempt.pk))
    page = text(response)
    assert response.status_code == 200
    assert 'name="_save"' not in page
    assert 'name="responses-0-answer"' not in page
    assert attempt.responses.get().question.prompt[:40] in page
    assert admin_client.post(admin_url("attempt_change", attempt.pk), {"number": "2"}).status_code == 403
    assert admin_client.get(admin_url("attempt_add")).status_code == 403


def test_staff_can_delete_an_attempt_after_confirming(attempt, admin_client):
    url = admin_url("attempt_delete", attempt.pk)
    assert "Are you sure" in text(admin_client.get(url))
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert not Response.objects.filter(attempt_id=attempt.pk).exists()


# ------------------------------------------------------------------------------------------ GIFT import

GIFT = """\
$CATEGORY: $course$/top/Votes

::Vote::How many voted against the rising on 10 October?{#2}

Who chaired the Military Revolutionary Committee?{=Trotsky ~Lenin ~Kamenev}

An essay about 1917.{}
"""


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


def check_file(client, content: bytes, name: str = "october.gift", **options):
    return client.post(admin_url("question_import_gift"), {"file": upload(name, content), **options})


def test_question_list_links_to_the_import_page(admin_client):
    assert admin_url("question_import_gift") in text(admin_client.get(admin_url("question_changelist")))


def test_import_page_shows_the_upload_form(admin_client):
    page = text(admin_client.get(admin_url("question_import_gift")))
    assert 'type="file"' in page
    assert "Keep the good ones" in page


def test_checking_a_file_reports_every_question_and_writes_nothing(admin_client):
    response = check_file(admin_client, GIFT.encode())
    page = text(response)
    assert response.status_code == 200
    assert "Check of october.gift: nothing is imported yet" in page
    assert "2 would be imported, 1 skipped" in page
    assert "essay question" in page
    assert "How many voted against the rising on 10 October?" in page
    assert "Import 2 questions as drafts" in page
    assert not Question.objects.exists()


def test_confirming_imports_what_was_checked_and_reports_it(admin_client):
    payload = check_file(admin_client, GIFT.encode()).context["confirm"].initial["payload"]
    response = admin_client.post(admin_url("question_import_gift"), {"payload": payload})
    page = text(response)
    assert response.status_code == 200
    assert "Imported from october.gift" in page
    numeric, single = Question.objects.order_by("id")
    assert f"imported as question {numeric.pk}" in page
    assert f"?id__in={numeric.pk},{single.pk}" in page
    assert (numeric.type, single.type) == ("numeric", "single")
    assert {q.status for q in (numeric, single)} == {"draft"}
    assert [t.slug for t in numeric.topics.all()] == ["votes"]


def test_import_with_a_source_and_a_topic(admin_client):
    source = factories.SourceFactory()
    dates = factories.TopicFactory(slug="dates", name="Dates")
    check = check_file(admin_client, GIFT.encode(), source=source.pk, topic=dates.pk)
    assert f"add an evidence quote from {source.file_name}" in text(check)
    admin_client.post(admin_url("question_import_gift"), {"payload": check.context["confirm"].initial["payload"]})
    assert {tuple(t.slug for t in q.topics.all()) for q in Question.objects.all()} == {("dates", "votes")}


def test_a_changed_confirmation_is_refused(admin_client):
    payload = check_file(admin_client, GIFT.encode()).context["confirm"].initial["payload"]
    response = admin_client.post(admin_url("question_import_gift"), {"payload": payload[:-3] + "abc"})
    assert response.status_code == 400
    assert "The file to import was changed. Upload it again." in text(response)
    assert not Question.objects.exists()


def test_a_syntax_error_names_its_line_and_offers_no_import(admin_client):
    response = check_file(admin_client, b"Good?{=a ~b}\n\nBad?{=a ~b\n")
    page = text(response)
    assert "Syntax error at line 3: '{' is never closed" in page
    assert "Import " not in page.split("Syntax error")[1].split("Check another file")[0]
    assert response.context["form"]["keep_good"].value() is True


def test_keep_the_good_ones_imports_the_rest(admin_client):
    check = check_file(admin_client, b"Good?{=a ~b}\n\nBad?{=a ~b\n", keep_good="on")
    assert "1 would be imported, 1 skipped" in text(check)
    admin_client.post(admin_url("question_import_gift"), {"payload": check.context["confirm"].initial["payload"]})
    assert list(Question.objects.values_list("prompt", flat=True)) == ["Good?"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("october.gift", "Qui?{=Lénine ~Trotski}".encode("latin-1"), "The file is not UTF-8 text"),
        ("october.gift", "Who?{=Lenin ~Trotsky}".encode("utf-16"), "The file is UTF-16 text"),
        ("october.docx", b"Who?{=Lenin ~Trotsky}", "Choose a .gift or .txt file."),
        ("october.gift", b"", "The submitted file is empty."),
    ],
)
def test_a_file_we_cannot_read_comes_back_with_a_clear_error(admin_client, name, content, message):
    response = check_file(admin_client, content, name=name)
    assert response.status_code == 422
    assert message in text(response)


def test_a_utf8_file_with_a_byte_order_mark_is_read(admin_client):
    assert "2 would be imported" in text(check_file(admin_client, b"\xef\xbb\xbf" + GIFT.encode(), name="bank.txt"))


def test_staff_without_the_right_to_add_questions_cannot_import(db):
    staff = factories.UserFactory(username="helper", is_staff=True)
    assert client_for(staff).get(admin_url("question_import_gift")).status_code == 403
