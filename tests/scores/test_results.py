"""An assignment's results: histogram, summary figures, questions from hardest to easiest, and live refresh."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts.services import attempt_start
from quizzes.models import Attempt, Enrollment
from tests import factories
from tests.conftest import HTMX, client_for
from tests.scores.test_gradebook import take

ALL_TYPES = {"single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"}


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


def page_of(response) -> str:
    return unescape(response.content.decode())


def results_url(school) -> str:
    return reverse("assignment_results", args=[school.assignment.pk])


def enrol(school, username: str):
    student = factories.UserFactory(username=username, first_name=username.title(), last_name="Test")
    factories.EnrollmentFactory(classroom=school.classroom, student=student)
    return student


@pytest.fixture
def class_results(school):
    """Five students: 100%, 71% and 29% submitted (12, 20 and 30 minutes), one in progress, one not started."""
    best, middle = school.student, school.classmate
    weakest, busy = enrol(school, "olga"), enrol(school, "pavel")
    enrol(school, "vera")  # not started
    take(best, school.assignment, right=ALL_TYPES)
    take(middle, school.assignment, right={"single", "multiple", "true_false", "short_text", "numeric"})
    take(weakest, school.assignment, right={"single", "true_false"})
    attempt_start(student=busy, assignment=school.assignment)
    for student, minutes in ((best, 12), (middle, 20), (weakest, 30)):
        submitted = Attempt.objects.get(student=student, assignment=school.assignment)
        Attempt.objects.filter(pk=submitted.pk).update(started_at=submitted.submitted_at - timedelta(minutes=minutes))
    return school


def counts_of(page: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page))


# -- Who may see it -----------------------------------------------------------------------------------------------


def test_other_teacher_gets_404(school):
    assert client_for(school.other_teacher).get(results_url(school)).status_code == 404


def test_student_gets_403(school, student_client):
    assert student_client.get(results_url(school)).status_code == 403


def test_anonymous_is_sent_to_log_in(client, school):
    response = client.get(results_url(school))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_missing_assignment_is_404(school, teacher_client):
    assert teacher_client.get(reverse("assignment_results", args=[987654])).status_code == 404


# -- Summary and histogram ------------------------------------------------------------------------------------------


def test_counts_median_mean_and_time_taken(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    counts = counts_of(page)
    assert counts["Submitted"] == "3"
    assert counts["In progress"] == "1"
    assert counts["Not started"] == "1"
    assert counts["Median"] == "71%"
    assert counts["Mean"] == "67%"
    assert counts["Time taken"].startswith("20 min")


def test_histogram_is_an_inline_svg_with_a_title_and_a_table_alternative(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    start = page.index('<svg class="histogram"')
    svg = page[start : page.index("</svg>", start)]
    assert 'role="img"' in svg and 'aria-labelledby="histogram-title histogram-desc"' in svg
    assert '<title id="histogram-title">' in svg
    assert "Scores of 3 students: 1 scored 20–29%, 1 scored 70–79%, 1 scored 90–100%." in svg
    assert svg.count("<rect") == 10
    assert "style=" not in page
    table = page[page.index('class="table histogram-table"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r"<td>(\d+)</td>", table) == ["0", "0", "1", "0", "0", "0", "0", "1", "0", "1"]


def test_students_who_left_are_not_counted(class_results, teacher_client):
    Enrollment.objects.filter(student=class_results.student).update(left_at=timezone.now())
    counts = counts_of(page_of(teacher_client.get(results_url(class_results))))
    assert counts["Submitted"] == "2"
    assert counts["Median"] == "50%"


def test_results_before_anyone_submits(school, teacher_client):
    page = page_of(teacher_client.get(results_url(school)))
    assert "No one has submitted yet." in page
    assert counts_of(page)["Not started"] == "2"
    assert counts_of(page)["Median"] == "–"


def test_median_follows_the_counting_rule(school, teacher_client):
    school.assignment.attempts_allowed = 2
    school.assignment.counting = "latest"
    school.assignment.save()
    take(school.student, school.assignment, right=ALL_TYPES)
    take(school.student, school.assignment, right=set())
    assert counts_of(page_of(teacher_client.get(results_url(school))))["Median"] == "0%"
    school.assignment.counting = "highest"
    school.assignment.save()
    assert counts_of(page_of(teacher_client.get(results_url(school))))["Median"] == "100%"


# -- Questions --------------------------------------------------------------------------------------------------------


def question_blocks(page: str) -> list[str]:
    return page.split('<li class="question-stat">')[1:]


def test_questions_go_from_hardest_to_easiest_with_facility(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    blocks = question_blocks(page)
    assert len(blocks) == 7
    rights = [counts_of(block)["Right"] for block in blocks]
    assert rights == ["33%", "33%", "67%", "67%", "67%", "100%", "100%"]
    questions = class_results.questions
    hardest = {questions["ordering"].prompt, questions["matching"].prompt}
    assert {blocks[0].split("</p>")[0].split(">")[-1], blocks[1].split("</p>")[0].split(">")[-1]} == hardest


def test_discrimination_and_its_rule(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    blocks = question_blocks(page)
    # Ordering: only the top student got it right; single choice: everyone did.
    assert counts_of(blocks[0])["Discrimination"] == "+1.00"
    assert counts_of(blocks[-1])["Discrimination"] == "+0.00"
    assert "top third" in page and "bottom third" in page and "fewer than 3 submitted attempts" in page


def test_discrimination_is_na_with_fewer_than_three_attempts(school, teacher_client):
    take(school.student, school.assignment, right=ALL_TYPES)
    take(school.classmate, school.assignment, right=set())
    page = page_of(teacher_client.get(results_url(school)))
    assert all(counts_of(block)["Discrimination"] == "n/a" for block in question_blocks(page))


def test_choice_questions_show_how_often_each_choice_was_picked(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    multiple = next(b for b in question_blocks(page) if class_results.questions["multiple"].prompt in b)
    rows = dict(
        (re.sub(r"<[^>]+>", "", name).replace("correct", "").strip(), count)
        for name, count in re.findall(r'<th scope="row">(.*?)</th>\s*<td class="choice-count">(\d+)', multiple, re.S)
    )
    assert rows == {"Zinoviev": "2", "Kamenev": "2", "Trotsky": "1", "Sverdlov": "1"}
    assert multiple.count("correct</span>") == 2
    assert 'aria-hidden="true"' in multiple and "progress-67" in multiple and "progress-33" in multiple
    true_false = next(b for b in question_blocks(page) if class_results.questions["true_false"].prompt in b)
    assert re.search(r"correct</span> False</th>\s*<td class=\"choice-count\">3", true_false)
    ordering = next(b for b in question_blocks(page) if class_results.questions["ordering"].prompt in b)
    assert "choice-table" not in ordering


# -- Live refresh -------------------------------------------------------------------------------------------------------


def test_open_assignment_polls_its_results_region(class_results, teacher_client):
    page = page_of(teacher_client.get(results_url(class_results)))
    url = results_url(class_results)
    assert f'<div id="results" class="results-region" hx-get="{url}" hx-trigger="every 5s" hx-swap="outerHTML">' in page


def test_closed_assignment_does_not_poll(class_results, teacher_client):
    class_results.assignment.closed_at = timezone.now()
    class_results.assignment.save()
    page = page_of(teacher_client.get(results_url(class_results)))
    assert 'id="results"' in page and "hx-trigger" not in page


def test_htmx_request_returns_the_results_region_only(class_results, teacher_client):
    response = teacher_client.get(results_url(class_results), headers=HTMX)
    page = page_of(response)
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page and "Gradebook" not in page
    assert counts_of(page)["Submitted"] == "3"
    assert "HX-Request" in response.headers["Vary"]


def test_the_poll_sees_new_submissions(class_results, teacher_client):
    take(Attempt.objects.in_progress().get().student, class_results.assignment, right=ALL_TYPES)
    page = page_of(teacher_client.get(results_url(class_results), headers=HTMX))
    assert counts_of(page)["Submitted"] == "4"


# -- Query counts ---------------------------------------------------------------------------------------------------------


RESULTS_QUERIES = 9  # session, user, assignment, class size, attempts, responses, questions, choices, skills


def test_results_queries_do_not_grow_with_the_class(class_results, teacher_client, django_assert_num_queries):
    with django_assert_num_queries(RESULTS_QUERIES):
        teacher_client.get(results_url(class_results))
    for n in range(6):
        take(enrol(class_results, f"extra{n}"), class_results.assignment, right={"single"})
    with django_assert_num_queries(RESULTS_QUERIES):
        response = teacher_client.get(results_url(class_results))
    assert counts_of(page_of(response))["Submitted"] == "9"
