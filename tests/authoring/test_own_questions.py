"""Teachers' own questions: choosing a type, the form for each type, the bank's rules, editing and copying."""

import re
from html import unescape

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests import factories
from tests.conftest import HTMX, client_for


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


@pytest.fixture
def topics(db):
    return {
        "people": factories.TopicFactory(slug="people", name="People"),
        "dates": factories.TopicFactory(slug="dates", name="Dates"),
    }


def text_of(response) -> str:
    return unescape(response.content.decode())


def form_data(qtype: str, **changes) -> dict:
    """A sound question of each type, as the form posts it."""
    data = {
        "type": qtype,
        "prompt": f"A {qtype} question about the rising?",
        "explanation": "Because the sources say so.",
        "difficulty": "2",
        "points": "1",
        "citation_source": "",
        "citation_quote": "",
    }
    parts = {
        "single": {"choices": "Lenin\n* Trotsky\nKamenev"},
        "multiple": {"choices": "* Zinoviev\n* Kamenev\nTrotsky"},
        "true_false": {"answer": "false"},
        "short_text": {"accepted": "Novaya Zhizn\nNovaia Zhizn\n\n"},
        "numeric": {"number": "10", "tolerance": "0.5"},
        "ordering": {"items": "Kornilov affair\n10 October meeting\n16 October meeting"},
        "matching": {"pairs": "Lenin = called for a rising\nKamenev = opposed it in print\nTrotsky = chaired the MRC"},
    }
    return data | parts[qtype] | changes


EXPECTED_ANSWERS = {
    "single": "Trotsky",
    "multiple": "Zinoviev | Kamenev",
    "true_false": "False",
    "short_text": "Novaya Zhizn",
    "numeric": "10 (± 0.5)",
    "ordering": "Kornilov affair > 10 October meeting > 16 October meeting",
    "matching": "Lenin = called for a rising | Kamenev = opposed it in print | Trotsky = chaired the MRC",
}


# -- Writing a question ------------------------------------------------------------------------------------------


def test_writing_starts_with_choosing_a_type(school, teacher_client):
    response = teacher_client.get(reverse("question_create"))
    page = text_of(response)
    assert response.status_code == 200
    assert "What kind of question?" in page
    assert page.count('name="type"') == 7 and "Matching: pair 3 to 6 items" in page


def test_an_unknown_type_is_asked_again(school, teacher_client):
    response = teacher_client.get(reverse("question_create"), {"type": "essay"})
    assert response.status_code == 422 and "Choose a type of question." in text_of(response)


@pytest.mark.parametrize(
    ("qtype", "shown", "hidden"),
    [
        ("single", 'name="choices"', 'name="pairs"'),
        ("true_false", 'name="answer"', 'name="choices"'),
        ("numeric", 'name="tolerance"', 'name="items"'),
        ("matching", 'name="pairs"', 'name="accepted"'),
    ],
)
def test_the_form_holds_the_parts_of_its_type_only(school, teacher_client, qtype, shown, hidden):
    page = text_of(teacher_client.get(reverse("question_create"), {"type": qtype}))
    assert shown in page and hidden not in page
    assert 'name="prompt"' in page and 'name="citation_quote"' in page


@pytest.mark.parametrize("qtype", list(EXPECTED_ANSWERS))
def test_every_type_can_be_written(school, teacher_client, topics, qtype):
    response = teacher_client.post(reverse("question_create"), form_data(qtype, topics=[topics["people"].pk]))
    question = Question.objects.get(owner=school.teacher)
    assert response.status_code == 302 and response.url == reverse("question_edit", args=[question.pk])
    assert question.type == qtype and question.key == "" and question.status == Question.Status.PUBLISHED
    assert question.correct_answer_text() == EXPECTED_ANSWERS[qtype]
    assert [t.slug for t in question.topics.all()] == ["people"]


def test_a_question_with_evidence_keeps_its_citation(school, teacher_client):
    figes = factories.SourceFactory()
    data = form_data("single", citation_source=figes.pk, citation_quote="  The Central Committee   ignored him. ")
    teacher_client.post(reverse("question_create"), data)
    citation = Question.objects.get(owner=school.teacher).citations.get()
    assert citation.source == figes and citation.quote == "The Central Committee ignored him."


@pytest.mark.parametrize(
    ("qtype", "changes", "message"),
    [
        ("single", {"choices": "* Lenin\n* Trotsky\nKamenev"}, "Single-choice question must have exactly one correct"),
        ("multiple", {"choices": "Zinoviev\nKamenev"}, "Multiple-answers question has no correct choice."),
        ("single", {"choices": "* Lenin"}, "This question needs at least 2 choices."),
        ("single", {"explanation": ""}, "This question is published with no explanation."),
        ("true_false", {"answer": ""}, "True/false answer must be true or false."),
        ("short_text", {"accepted": " \n "}, "Short-text question has no accepted answer."),
        ("numeric", {"number": "ten"}, "Numeric answer 'ten' does not parse as a number."),
        ("ordering", {"items": "Kornilov affair\n10 October meeting"}, "Ordering question has 2 items, fewer than 3."),
        ("matching", {"pairs": "Lenin = a\nKamenev\nTrotsky = c"}, "Each matching pair needs a left and a right side."),
        ("single", {"citation_quote": "Words without a source"}, "Citation 1 names no source."),
    ],
)
def test_the_banks_rules_come_back_as_messages(school, teacher_client, qtype, changes, message):
    response = teacher_client.post(reverse("question_create"), form_data(qtype, **changes))
    assert response.status_code == 422
    page = text_of(response)
    assert "This question cannot be saved yet" in page and message in page
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_a_long_quote_is_refused_with_check_banks_words(school, teacher_client):
    data = form_data("single", citation_source=factories.SourceFactory().pk, citation_quote=" ".join(["word"] * 31))
    response = teacher_client.post(reverse("question_create"), data)
    assert response.status_code == 422 and "quote has 31 words, more than 30" in text_of(response)


@pytest.mark.parametrize(
    ("qtype", "changes", "message"),
    [
        ("single", {"prompt": ""}, "This field is required."),
        ("numeric", {"number": "99999999999"}, "Use a number between -10,000,000,000 and 10,000,000,000"),
        ("single", {"choices": "Lenin\n* " + "x" * 501}, "Line 2 is longer than 500 characters."),
        ("single", {"points": "0"}, "Ensure this value is greater than or equal to 0.25."),
    ],
)
def test_form_errors_come_back_on_their_fields(school, teacher_client, qtype, changes, message):
    response = teacher_client.post(reverse("question_create"), form_data(qtype, **changes))
    assert response.status_code == 422 and message in text_of(response)
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_writing_from_a_set_adds_the_question_to_it(school, teacher_client):
    quiz_set = factories.QuizSetFactory(owner=school.teacher, questions=[school.questions["single"]])
    page = text_of(teacher_client.get(reverse("question_create"), {"set": quiz_set.pk, "type": "numeric"}))
    assert f'name="set" value="{quiz_set.pk}"' in page and f"Save and add to {quiz_set.title}" in page
    response = teacher_client.post(reverse("question_create"), form_data("numeric", set=quiz_set.pk))
    assert response.status_code == 302 and response.url == reverse("set_builder", args=[quiz_set.pk]) + "#set-panel"
    question = Question.objects.get(owner=school.teacher)
    assert list(quiz_set.items.values_list("question_id", "position")) == [
        (school.questions["single"].pk, 1),
        (question.pk, 2),
    ]


def test_writing_for_another_teachers_set_is_404(school, teacher_client):
    theirs = factories.QuizSetFactory(owner=school.other_teacher)
    response = teacher_client.post(reverse("question_create"), form_data("single", set=theirs.pk))
    assert response.status_code == 404
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_htmx_save_redirects_the_whole_page(school, teacher_client):
    response = teacher_client.post(reverse("question_create"), form_data("single"), headers=HTMX)
    assert response.headers["HX-Redirect"].startswith("/teach/questions/")


# -- Editing -----------------------------------------------------------------------------------------------------


@pytest.fixture
def mine(school, teacher_client, topics):
    teacher_client.post(reverse("question_create"), form_data("single", topics=[topics["people"].pk]))
    return Question.objects.get(owner=school.teacher)


def test_the_edit_form_shows_the_question_in_the_line_format(school, teacher_client, mine):
    page = text_of(teacher_client.get(reverse("question_edit", args=[mine.pk])))
    assert "Edit your question" in page
    assert "Lenin\n* Trotsky\nKamenev</textarea>" in page
    assert mine.prompt in page and mine.explanation in page


def test_editing_changes_the_question_in_place(school, teacher_client, mine):
    trotsky = mine.choices.get(text="Trotsky").pk
    data = form_data("single", prompt="Who chaired the MRC?", choices="* Trotsky\nLenin\nSverdlov", type="multiple")
    response = teacher_client.post(reverse("question_edit", args=[mine.pk]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.prompt == "Who chaired the MRC?" and mine.type == "single" and mine.key == ""
    assert list(mine.choices.values_list("text", flat=True)) == ["Trotsky", "Lenin", "Sverdlov"]
    assert mine.choices.get(text="Trotsky").pk == trotsky
    assert Question.objects.filter(owner=school.teacher).count() == 1
    assert "Your changes are saved." in text_of(teacher_client.get(response.url))


def test_editing_into_a_broken_question_is_refused_and_keeps_the_old_one(school, teacher_client, mine):
    response = teacher_client.post(
        reverse("question_edit", args=[mine.pk]), form_data("single", choices="Lenin\nTrotsky")
    )
    assert response.status_code == 422
    assert "exactly one correct choice, has 0" in text_of(response)
    assert mine.correct_answer_text() == "Trotsky"


def test_bank_questions_and_other_teachers_questions_cannot_be_edited(school, teacher_client):
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="")
    for question in (school.questions["single"], theirs):
        url = reverse("question_edit", args=[question.pk])
        assert teacher_client.get(url).status_code == 404
        assert teacher_client.post(url, form_data("single")).status_code == 404
    assert theirs.prompt == Question.objects.get(pk=theirs.pk).prompt


def test_students_and_visitors_cannot_write_or_edit(client, school, mine):
    student = client_for(school.student)
    urls = [
        reverse("question_create"),
        reverse("question_edit", args=[mine.pk]),
        reverse("question_duplicate", args=[mine.pk]),
    ]
    for url in urls:
        assert student.post(url, form_data("single")).status_code == 403
        response = client.post(url, form_data("single"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Question.objects.filter(owner__isnull=False).count() == 1


# -- Copying -----------------------------------------------------------------------------------------------------


def test_copying_a_bank_question_opens_the_copy_to_edit(school, teacher_client):
    original = school.questions["ordering"]
    response = teacher_client.post(reverse("question_duplicate", args=[original.pk]))
    copy = Question.objects.get(owner=school.teacher)
    assert response.status_code == 302 and response.url == reverse("question_edit", args=[copy.pk])
    assert copy.copied_from == original and copy.key == "" and copy.status == Question.Status.PUBLISHED
    page = text_of(teacher_client.get(response.url))
    assert "This is your own copy" in page and "Your copy of a bank question" in page
    assert "Kornilov affair\n10 October meeting\n16 October meeting</textarea>" in page
    assert "ignored Lenin" in page  # the evidence came along


def test_copying_from_the_builder_comes_back_to_the_set(school, teacher_client):
    quiz_set = factories.QuizSetFactory(owner=school.teacher)
    response = teacher_client.post(
        reverse("question_duplicate", args=[school.questions["single"].pk]), {"set": quiz_set.pk}
    )
    copy = Question.objects.get(owner=school.teacher)
    assert response.url == f"{reverse('question_edit', args=[copy.pk])}?set={quiz_set.pk}"
    page = text_of(teacher_client.get(response.url))
    assert f'name="set" value="{quiz_set.pk}"' in page


def test_copying_with_htmx_redirects_the_whole_page(school, teacher_client):
    response = teacher_client.post(reverse("question_duplicate", args=[school.questions["single"].pk]), headers=HTMX)
    assert response.headers["HX-Redirect"].startswith("/teach/questions/")


def test_copies_are_listed_as_mine_in_the_builder(school, teacher_client):
    quiz_set = factories.QuizSetFactory(owner=school.teacher)
    teacher_client.post(reverse("question_duplicate", args=[school.questions["numeric"].pk]))
    page = text_of(teacher_client.get(reverse("set_builder", args=[quiz_set.pk]), {"whose": "mine"}))
    assert "1 question matches" in page and school.questions["numeric"].prompt in page
    assert re.search(r'class="chip chip-mine">Mine<', page)


def test_drafts_and_other_teachers_questions_cannot_be_copied(school, teacher_client):
    draft = factories.QuestionFactory(status=Question.Status.DRAFT)
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="")
    for question in (draft, theirs):
        assert teacher_client.post(reverse("question_duplicate", args=[question.pk])).status_code == 404
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_copying_needs_a_post(school, teacher_client):
    assert teacher_client.get(reverse("question_duplicate", args=[school.questions["single"].pk])).status_code == 405
    assert not Question.objects.filter(owner=school.teacher).exists()


def test_ids_too_large_for_the_database_are_refused_politely(school, teacher_client):
    response = teacher_client.post(reverse("question_create"), form_data("single", topics=[10**30]))
    assert response.status_code == 422 and "is not a valid value" in text_of(response)
    # reverse() cannot write such an id: <id:...> in the URL patterns matches none (quizzes/converters.py).
    assert teacher_client.get(f"/teach/questions/{10**30}/edit/").status_code == 404
    assert teacher_client.post(f"/teach/questions/{10**30}/duplicate/").status_code == 404


def test_a_teacher_picks_the_skill_of_their_question_and_sees_it_when_editing(school, teacher_client):
    response = teacher_client.post(reverse("question_create"), form_data("ordering", skill="chronology"))
    assert response.status_code == 302
    question = Question.objects.get(owner=school.teacher)
    assert question.skill == "chronology"
    page = text_of(teacher_client.get(reverse("question_edit", args=[question.pk])))
    assert '<option value="chronology" selected>Chronology</option>' in page


def test_a_teacher_may_leave_the_skill_unset_but_not_invent_one(school, teacher_client):
    assert teacher_client.post(reverse("question_create"), form_data("single")).status_code == 302
    assert Question.objects.get(owner=school.teacher).skill == ""
    response = teacher_client.post(reverse("question_create"), form_data("true_false", skill="memory"))
    assert response.status_code == 422
    assert "Select a valid choice" in text_of(response)
    assert Question.objects.filter(owner=school.teacher).count() == 1
