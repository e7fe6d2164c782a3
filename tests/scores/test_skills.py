"""Results per historical thinking skill: on an assignment's results, a student's record and a student's history."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts.services import attempt_start
from quizzes.attempts.skills import SkillResult
from quizzes.models import Assignment, Enrollment, Question
from quizzes.scores.skills import class_skills
from tests import factories
from tests.answering import take
from tests.conftest import client_for

ALL_TYPES = {"single", "multiple", "true_false", "short_text", "numeric", "ordering", "matching"}
FACTS = {"single", "multiple", "true_false", "short_text", "numeric"}


@pytest.fixture
def skilled(school):
    """The school's seven questions: five of close reading, the ordering one of chronology, the matching one of
    corroboration. Three students submitted: all right; close reading right only; single and true/false only.
    A fourth is still answering."""
    Question.objects.filter(pk=school.questions["matching"].pk).update(skill="corroboration")
    Question.objects.filter(pk=school.questions["ordering"].pk).update(skill="chronology")
    school.assignment.attempts_allowed = 3
    school.assignment.save()
    olga, pavel = enrol(school, "olga"), enrol(school, "pavel")
    take(school.student, school.assignment, right=ALL_TYPES)
    take(school.classmate, school.assignment, right=FACTS)
    take(olga, school.assignment, right={"single", "true_false"})
    attempt_start(student=pavel, assignment=school.assignment)
    school.olga = olga
    return school


def enrol(school, username):
    student = factories.UserFactory(username=username, first_name=username.title(), last_name="Test")
    factories.EnrollmentFactory(classroom=school.classroom, student=student)
    return student


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, each cell's words."""
    found = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", unescape(html), re.S)
    assert found, f"no table {caption!r}"
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_the_class_figures_count_the_share_of_points_earned_per_skill(skilled):
    assert class_skills(skilled.classroom.pk, assignment_id=skilled.assignment.pk) == [
        SkillResult("close_reading", questions=5, class_percent=80),  # 5 + 5 + 2 of 15
        SkillResult("corroboration", questions=1, class_percent=33),
        SkillResult("chronology", questions=1, class_percent=33),
    ]


def test_the_results_page_shows_a_table_of_skills_in_words(skilled):
    page = client_for(skilled.teacher).get(reverse("assignment_results", args=[skilled.assignment.pk]))
    assert table_rows(page.content.decode(), "Results per skill") == [
        ["Skill", "Class % right"],
        ["Close reading 5 questions", "80% right"],
        ["Corroboration 1 question", "33% right"],
        ["Chronology 1 question", "33% right"],
    ]


def test_only_the_latest_submitted_attempt_and_students_now_in_the_class_count(skilled):
    take(skilled.student, skilled.assignment, right=set())  # a second attempt, all wrong
    Enrollment.objects.filter(student=skilled.olga).update(left_at=timezone.now())
    assert class_skills(skilled.classroom.pk, assignment_id=skilled.assignment.pk) == [
        SkillResult("close_reading", questions=5, class_percent=50),  # 0 + 5 of 10
        SkillResult("corroboration", questions=1, class_percent=0),
        SkillResult("chronology", questions=1, class_percent=0),
    ]


def test_the_student_record_shows_the_students_figures_beside_the_class(skilled):
    url = reverse("student_record", args=[skilled.classroom.pk, skilled.classmate.pk])
    page = client_for(skilled.teacher).get(url).content.decode()
    name = skilled.classmate.display_name
    assert table_rows(page, "Results per skill") == [
        ["Skill", "Class % right", f"{name} % right"],
        ["Close reading 5 questions", "80% right", "100% right"],
        ["Corroboration 1 question", "33% right", "0% right"],
        ["Chronology 1 question", "33% right", "0% right"],
    ]
    assert "cannot compare" not in page  # figures, not verdicts


def test_a_student_who_left_keeps_their_own_figures_on_their_record(skilled):
    Enrollment.objects.filter(student=skilled.olga).update(left_at=timezone.now())
    rows = class_skills(skilled.classroom.pk, student_id=skilled.olga.pk)
    assert [(r.skill, r.class_percent, r.student_percent) for r in rows] == [
        ("close_reading", 100, 40),
        ("corroboration", 50, 0),
        ("chronology", 50, 0),
    ]


def test_questions_without_a_skill_are_counted_apart(school):
    Question.objects.filter(pk=school.questions["single"].pk).update(skill="")
    take(school.student, school.assignment, right=ALL_TYPES)
    rows = class_skills(school.classroom.pk, assignment_id=school.assignment.pk)
    assert [(r.label, r.questions, r.class_percent) for r in rows] == [
        ("Close reading", 6, 100),
        ("No skill set", 1, 100),
    ]


def test_a_student_sees_their_own_skills_in_their_history_and_never_the_class(skilled):
    page = client_for(skilled.classmate).get(reverse("student_history")).content.decode()
    assert table_rows(page, f"Your results per skill in {skilled.classroom.name}") == [
        ["Skill", "You % right"],
        ["Close reading 5 questions", "100% right"],
        ["Corroboration 1 question", "0% right"],
        ["Chronology 1 question", "0% right"],
    ]
    assert "80%" not in " ".join(re.sub(r"<[^>]+>", " ", unescape(page)).split())  # the class's figure


def test_a_student_sees_no_skills_while_their_results_are_hidden(skilled):
    Assignment.objects.filter(pk=skilled.assignment.pk).update(feedback=Assignment.Feedback.NEVER)
    page = unescape(client_for(skilled.classmate).get(reverse("student_history")).content.decode())
    assert "Your skills" not in page and "skills-table" not in page


def test_skill_figures_take_one_query_whatever_the_class_size(skilled, django_assert_num_queries):
    with django_assert_num_queries(1):
        class_skills(skilled.classroom.pk, student_id=skilled.student.pk)
    for n in range(5):
        take(enrol(skilled, f"extra{n}"), skilled.assignment, right=FACTS)
        factories.QuestionFactory(skill="sourcing")  # the bank grows too
    with django_assert_num_queries(1):
        rows = class_skills(skilled.classroom.pk, student_id=skilled.student.pk)
    # 5 + 5 + 2 + 5 × 5 = 37 of 40: 92.5%, rounded half to even as every percent on the pages
    assert rows[0] == SkillResult("close_reading", questions=5, class_percent=92, student_percent=100)


def test_a_students_results_page_shows_that_attempts_skills(skilled):
    attempt = skilled.olga.attempts.get()
    page = client_for(skilled.olga).get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert table_rows(page, "Your results per skill in this attempt") == [
        ["Skill", "You % right"],
        ["Close reading 5 questions", "40% right"],
        ["Corroboration 1 question", "0% right"],
        ["Chronology 1 question", "0% right"],
    ]


def test_the_results_page_shows_no_skills_while_results_are_hidden(skilled):
    Assignment.objects.filter(pk=skilled.assignment.pk).update(feedback=Assignment.Feedback.NEVER)
    attempt = skilled.olga.attempts.get()
    page = client_for(skilled.olga).get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "skills-table" not in page and "By skill" not in page
