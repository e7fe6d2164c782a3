"""The gradebook, its CSV, a student's record and one attempt as the teacher sees them, and the benchmark."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts import content
from quizzes.attempts.services import attempt_start
from quizzes.models import Assignment, Attempt, Classroom, Enrollment, QuizSet, User
from tests import factories
from tests.answering import take
from tests.conftest import HTMX, client_for


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


def page_of(response) -> str:
    return unescape(response.content.decode())


def attempt(student, assignment, *, score=None, number=1, late=False, max_score=10) -> Attempt:
    """An attempt made directly: submitted with `score` out of `max_score`, or in progress when score is None."""
    return Attempt.objects.create(
        student=student,
        assignment=assignment,
        number=number,
        score=None if score is None else Decimal(score),
        max_score=Decimal(max_score),
        submitted_at=None if score is None else timezone.now(),
        is_late=late,
    )


def gradebook_url(school) -> str:
    return reverse("gradebook", args=[school.classroom.pk])


def row_of(page: str, name: str) -> str:
    """The HTML of the gradebook row of the student with this name."""
    start = page.index(f">{name}</a>")
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


# -- Who may see it -----------------------------------------------------------------------------------------------


def teacher_urls(school):
    done = attempt(school.student, school.assignment, score=7)
    return [
        reverse("gradebook", args=[school.classroom.pk]),
        reverse("gradebook_csv", args=[school.classroom.pk]),
        reverse("student_record", args=[school.classroom.pk, school.student.pk]),
        reverse("teacher_attempt", args=[done.pk]),
    ]


def test_the_classs_teacher_opens_every_score_page(school, teacher_client):
    for url in teacher_urls(school):
        assert teacher_client.get(url).status_code == 200, url


def test_another_teacher_gets_404_on_every_score_page(school):
    client = client_for(school.other_teacher)
    for url in teacher_urls(school):
        assert client.get(url).status_code == 404, url


def test_a_student_gets_403_on_every_score_page(school, student_client):
    for url in teacher_urls(school):
        response = student_client.get(url)
        assert response.status_code == 403, url
        assert "for teachers" in page_of(response)


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    for url in teacher_urls(school):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_score_pages_refuse_posts(school, teacher_client):
    assert teacher_client.post(gradebook_url(school)).status_code == 405


def test_student_record_of_someone_never_in_the_class_is_404(school, teacher_client):
    url = reverse("student_record", args=[school.classroom.pk, school.stranger.pk])
    assert teacher_client.get(url).status_code == 404


# -- What the gradebook shows ---------------------------------------------------------------------------------------


def test_gradebook_shows_students_down_and_assignments_across_by_due_date(school, teacher_client):
    now = timezone.now()
    later = factories.AssignmentFactory(classroom=school.classroom, title="Later quiz", due_at=now + timedelta(days=9))
    sooner = factories.AssignmentFactory(
        classroom=school.classroom, title="Sooner quiz", due_at=now + timedelta(days=1)
    )
    factories.AssignmentFactory(classroom=school.other_classroom, title="Other class quiz")
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert page.index("Sooner quiz") < page.index(school.assignment.display_title) < page.index("Later quiz")
    assert "Other class quiz" not in page
    assert school.student.display_name in page and school.classmate.display_name in page
    assert school.stranger.display_name not in page
    assert later.pk and sooner.pk


def test_cells_print_the_counted_percent_with_a_band_and_words(school, teacher_client):
    attempt(school.student, school.assignment, score=9)  # 90% on time
    attempt(school.classmate, school.assignment, score=4, late=True)  # 40%, late
    page = page_of(teacher_client.get(gradebook_url(school)))
    sasha = row_of(page, school.student.display_name)
    assert 'class="cell band-high"' in sasha and ">90%</a>" in sasha
    misha = row_of(page, school.classmate.display_name)
    assert 'class="cell band-low"' in misha and ">40%</a>" in misha and ">late</span>" in misha


def test_cells_say_in_progress_and_not_started_in_words(school, teacher_client):
    attempt(school.student, school.assignment)  # in progress
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert ">in progress</a>" in row_of(page, school.student.display_name)
    assert ">not started</a>" in row_of(page, school.classmate.display_name)


def test_a_retake_in_progress_keeps_the_score_and_says_so(school, teacher_client):
    school.assignment.attempts_allowed = 2
    school.assignment.save()
    attempt(school.student, school.assignment, score=6)
    attempt(school.student, school.assignment, number=2)
    sasha = row_of(page_of(teacher_client.get(gradebook_url(school))), school.student.display_name)
    assert ">60%</a>" in sasha and ">in progress</span>" in sasha


@pytest.mark.parametrize(("counting", "shown"), [("highest", "80%"), ("latest", "50%"), ("average", "65%")])
def test_cells_follow_the_assignments_counting_rule(school, teacher_client, counting, shown):
    school.assignment.counting = counting
    school.assignment.attempts_allowed = 3
    school.assignment.save()
    attempt(school.student, school.assignment, score=8, number=1)
    attempt(school.student, school.assignment, score=5, number=2)
    sasha = row_of(page_of(teacher_client.get(gradebook_url(school))), school.student.display_name)
    assert f">{shown}</a>" in sasha


def test_averages_per_student_and_per_assignment(school, teacher_client):
    second = factories.AssignmentFactory(classroom=school.classroom, due_at=timezone.now() + timedelta(days=30))
    attempt(school.student, school.assignment, score=10)
    attempt(school.student, second, score=6)
    attempt(school.classmate, school.assignment, score=5)
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert row_of(page, school.student.display_name).endswith('<td class="cell band-good">80%</td>')
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    # The first assignment: (100 + 50) / 2; the second: 60 (Misha has not done it); the class: (80 + 50) / 2.
    assert "75%" in footer and "60%" in footer and "65%" in footer


def test_students_who_left_with_attempts_stay_marked_and_others_go(school, teacher_client):
    gone = factories.UserFactory(username="gone", first_name="Gone", last_name="Away")
    factories.EnrollmentFactory(classroom=school.classroom, student=gone, left_at=timezone.now())
    Enrollment.objects.filter(student=school.classmate).update(left_at=timezone.now())
    attempt(school.classmate, school.assignment, score=7)
    page = page_of(teacher_client.get(gradebook_url(school)))
    misha = row_of(page, school.classmate.display_name)
    assert "left the class" in misha and 'class="row-left"' in misha
    assert "Gone Away" not in page
    # Students who left come after those still in the class, and are not in the class average.
    assert page.index(school.student.display_name) < page.index(school.classmate.display_name)
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "70%" not in footer


def test_the_first_column_is_a_row_heading_for_the_sticky_css(school, teacher_client):
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert '<th scope="row"><a href="' in page
    assert 'class="table-wrap gradebook-wrap"' in page


def test_each_cell_links_to_the_students_record_at_that_assignment(school, teacher_client):
    attempt(school.student, school.assignment, score=9)
    page = page_of(teacher_client.get(gradebook_url(school)))
    record = reverse("student_record", args=[school.classroom.pk, school.student.pk])
    assert f'href="{record}#assignment-{school.assignment.pk}"' in page


def test_names_are_escaped_in_the_rows_built_in_python(school, teacher_client):
    school.student.first_name = "<script>alert(1)</script>"
    school.student.save()
    html = teacher_client.get(gradebook_url(school)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_gradebook_without_assignments_or_students_says_so(school, teacher_client):
    empty = factories.ClassroomFactory(teacher=school.teacher)
    page = page_of(teacher_client.get(reverse("gradebook", args=[empty.pk])))
    assert "Nothing is assigned to this class yet" in page
    factories.AssignmentFactory(classroom=empty)
    page = page_of(teacher_client.get(reverse("gradebook", args=[empty.pk])))
    assert "No students yet" in page


# -- Sorting ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def three_students(school):
    anna = factories.UserFactory(username="anna", first_name="Anna", last_name="Akhmatova")
    factories.EnrollmentFactory(classroom=school.classroom, student=anna)
    attempt(anna, school.assignment, score=5)
    attempt(school.student, school.assignment, score=9)
    # school.classmate has not started
    return anna


def names_in_order(page, *names):
    return sorted(names, key=page.index)


def test_sorted_by_name_by_default(school, teacher_client, three_students):
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert names_in_order(page, "Anna Akhmatova", school.student.display_name) == [
        "Anna Akhmatova",
        school.student.display_name,
    ]
    assert 'aria-sort="ascending"' in page


def test_sorting_by_an_assignment_puts_the_best_first_and_the_unscored_last(school, teacher_client, three_students):
    key = f"a{school.assignment.pk}"
    page = page_of(teacher_client.get(gradebook_url(school), {"sort": key, "order": "desc"}))
    assert names_in_order(page, "Anna Akhmatova", school.student.display_name, school.classmate.display_name) == [
        school.student.display_name,
        "Anna Akhmatova",
        school.classmate.display_name,
    ]
    assert 'aria-sort="descending"' in page
    # The heading now links to the other direction.
    assert f"?sort={key}&order=asc" in page
    page = page_of(teacher_client.get(gradebook_url(school), {"sort": key, "order": "asc"}))
    assert names_in_order(page, "Anna Akhmatova", school.student.display_name, school.classmate.display_name) == [
        "Anna Akhmatova",
        school.student.display_name,
        school.classmate.display_name,
    ]


def test_sorting_by_average(school, teacher_client, three_students):
    page = page_of(teacher_client.get(gradebook_url(school), {"sort": "average"}))
    assert page.index(school.student.display_name) < page.index("Anna Akhmatova")


@pytest.mark.parametrize("query", [{"sort": "a999999"}, {"sort": "<b>"}, {"order": "sideways"}, {"sort": ""}])
def test_unknown_sorts_fall_back_to_names(school, teacher_client, query):
    response = teacher_client.get(gradebook_url(school), query)
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in page_of(response)


def test_htmx_sort_returns_only_the_table(school, teacher_client, three_students):
    response = teacher_client.get(gradebook_url(school), {"sort": "average"}, headers=HTMX)
    page = page_of(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="gradebook"')
    assert "<html" not in page and "Download CSV" not in page
    assert "HX-Request" in response.headers["Vary"]
    assert page.index(school.student.display_name) < page.index("Anna Akhmatova")


def test_sort_links_work_without_javascript_and_with_htmx(school, teacher_client):
    page = page_of(teacher_client.get(gradebook_url(school)))
    key = f"a{school.assignment.pk}"
    assert f'href="?sort={key}&order=desc" hx-get="?sort={key}&order=desc" hx-target="#gradebook"' in page


# -- Query counts -----------------------------------------------------------------------------------------------------


def build_class(teacher, *, students: int, assignments: int) -> Classroom:
    """A class made in bulk: a few factories, then bulk_create for volume."""
    classroom = factories.ClassroomFactory(teacher=teacher)
    quiz_set = QuizSet.objects.create(title="Bulk set")
    now = timezone.now()
    made = Assignment.objects.bulk_create(
        Assignment(
            quiz_set=quiz_set,
            classroom=classroom,
            title=f"Quiz {n}",
            opens_at=now - timedelta(days=30),
            due_at=now + timedelta(days=n),
            counting=["highest", "latest", "average"][n % 3],
            attempts_allowed=2,
        )
        for n in range(assignments)
    )
    people = User.objects.bulk_create(
        User(username=f"bulk-{classroom.pk}-{n}", first_name=f"Bulk{n}", last_name="Student") for n in range(students)
    )
    Enrollment.objects.bulk_create(
        Enrollment(classroom=classroom, student=s, left_at=now if n == 0 else None) for n, s in enumerate(people)
    )
    Attempt.objects.bulk_create(
        Attempt(
            student=s,
            assignment=a,
            number=1,
            score=None if (i + j) % 7 == 0 else Decimal((i * j) % 11),
            max_score=Decimal(10),
            submitted_at=None if (i + j) % 7 == 0 else now,
            is_late=(i + j) % 5 == 0,
        )
        for i, s in enumerate(people)
        for j, a in enumerate(made)
        if (i + j) % 9
    )
    return classroom


GRADEBOOK_QUERIES = 6  # session, user, class, assignments, enrollments with students, attempts


@pytest.mark.parametrize(("students", "assignments"), [(5, 2), (60, 12)])
def test_gradebook_queries_do_not_grow_with_the_class(
    school, teacher_client, django_assert_num_queries, students, assignments
):
    classroom = build_class(school.teacher, students=students, assignments=assignments)
    with django_assert_num_queries(GRADEBOOK_QUERIES):
        response = teacher_client.get(reverse("gradebook", args=[classroom.pk]), {"sort": "average"})
    assert response.status_code == 200
    assert page_of(response).count('<th scope="row"><a href=') == students


@pytest.mark.parametrize(("students", "assignments"), [(5, 2), (60, 12)])
def test_gradebook_csv_queries_do_not_grow_with_the_class(
    school, teacher_client, django_assert_num_queries, students, assignments
):
    classroom = build_class(school.teacher, students=students, assignments=assignments)
    with django_assert_num_queries(GRADEBOOK_QUERIES):
        response = teacher_client.get(reverse("gradebook_csv", args=[classroom.pk]))
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == students + 1


# -- CSV --------------------------------------------------------------------------------------------------------------


def test_csv_opens_in_the_csv_module_with_a_byte_order_mark(school, teacher_client):
    second = factories.AssignmentFactory(
        classroom=school.classroom, title="Second", due_at=timezone.now() + timedelta(days=30)
    )
    attempt(school.student, school.assignment, score=9)
    attempt(school.student, second, score=6)
    Enrollment.objects.filter(student=school.classmate).update(left_at=timezone.now())
    attempt(school.classmate, school.assignment, score=4)
    school.student.first_name = "Sasha Ёлкина"
    school.student.save()

    response = teacher_client.get(reverse("gradebook_csv", args=[school.classroom.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Student", "Username", "Status", school.assignment.display_title, "Second", "Average"]
    assert rows[1] == ["Sasha Ёлкина Test", "sasha", "in class", "90", "60", "75"]
    assert rows[2] == [school.classmate.display_name, "misha", "left", "40", "", "40"]


def test_csv_cells_cannot_run_as_formulas(school, teacher_client):
    school.student.first_name = "=HYPERLINK(1)"
    school.student.save()
    school.assignment.title = "@SUM(1+1)"
    school.assignment.save()
    response = teacher_client.get(reverse("gradebook_csv", args=[school.classroom.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][3] == "'@SUM(1+1)"
    assert "'=HYPERLINK(1) Test" in [row[0] for row in rows]


def test_gradebook_page_has_the_csv_button(school, teacher_client):
    page = page_of(teacher_client.get(gradebook_url(school)))
    assert reverse("gradebook_csv", args=[school.classroom.pk]) in page and "Download CSV" in page


# -- A student's record and one attempt ---------------------------------------------------------------------------------


def test_student_record_lists_each_assignment_with_attempts_and_links(school, teacher_client):
    school.assignment.attempts_allowed = 2
    school.assignment.save()
    first = attempt(school.student, school.assignment, score=4)
    second = attempt(school.student, school.assignment, score=8, number=2, late=True)
    untouched = factories.AssignmentFactory(classroom=school.classroom, title="Untouched")
    page = page_of(teacher_client.get(reverse("student_record", args=[school.classroom.pk, school.student.pk])))
    assert f'id="assignment-{school.assignment.pk}"' in page
    assert "80%" in page and "late" in page
    assert reverse("teacher_attempt", args=[first.pk]) in page
    assert reverse("teacher_attempt", args=[second.pk]) in page
    assert f'id="assignment-{untouched.pk}"' in page and "Not started." in page


def test_student_record_of_a_student_who_left(school, teacher_client):
    Enrollment.objects.filter(student=school.classmate).update(left_at=timezone.now())
    page = page_of(teacher_client.get(reverse("student_record", args=[school.classroom.pk, school.classmate.pk])))
    assert "left the class" in page


def test_student_record_queries_are_constant(school, teacher_client, django_assert_num_queries):
    for n in range(4):
        extra = factories.AssignmentFactory(classroom=school.classroom)
        attempt(school.student, extra, score=n)
    url = reverse("student_record", args=[school.classroom.pk, school.student.pk])
    with django_assert_num_queries(7):  # session, user, class, enrollment, assignments, attempts, skills
        teacher_client.get(url)


def test_teacher_sees_the_students_answers_and_the_right_ones_whatever_the_feedback(school, teacher_client):
    school.assignment.feedback = Assignment.Feedback.NEVER
    school.assignment.show_correct_answers = False
    school.assignment.save()
    taken = take(school.student, school.assignment, right={"single", "true_false"})
    page = page_of(teacher_client.get(reverse("teacher_attempt", args=[taken.pk])))
    assert school.student.display_name in page
    assert "Their answer" in page and "The answer" in page
    assert "It ignored them" in page  # the right choice of the single-choice question
    assert "Pravda" in page  # the student's wrong short text answer
    assert "Novaya Zhizn" in page  # and the accepted one
    assert 'aria-label="Correct"' in page and 'aria-label="Not quite"' in page
    assert '<span class="score-number">2</span> out of 7' in page


def test_teacher_sees_an_attempt_in_progress(school, teacher_client):
    taken = attempt_start(student=school.student, assignment=school.assignment)
    page = page_of(teacher_client.get(reverse("teacher_attempt", args=[taken.pk])))
    assert "In progress" in page and 'aria-label="No answer"' in page


def test_teacher_attempt_queries_are_constant(school, teacher_client, django_assert_num_queries):
    taken = take(school.student, school.assignment, right={"single"})
    # session, user, attempt, responses with their questions, choices, accepted answers, ordering items, matching
    # pairs, citations with their sources: the same for any number of questions; without the parts and citations
    # once the questions' content is cached (quizzes.attempts.content)
    content.clear()
    with django_assert_num_queries(9):
        teacher_client.get(reverse("teacher_attempt", args=[taken.pk]))
    with django_assert_num_queries(4):
        teacher_client.get(reverse("teacher_attempt", args=[taken.pk]))


# -- The benchmark ------------------------------------------------------------------------------------------------------


def test_bench_gradebook_prints_json_last_and_leaves_nothing_behind(db):
    before = (User.objects.count(), Classroom.objects.count(), Attempt.objects.count(), Enrollment.objects.count())
    out = io.StringIO()
    call_command("bench_gradebook", "--students", "30", "--assignments", "4", "--renders", "2", stdout=out)
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert set(result) == {"students", "assignments", "seconds", "queries"}
    assert result["students"] == 30 and result["assignments"] == 4
    assert result["seconds"] > 0 and result["queries"] == GRADEBOOK_QUERIES
    assert "Gradebook of 30 students x 4 assignments" in out.getvalue()
    after = (User.objects.count(), Classroom.objects.count(), Attempt.objects.count(), Enrollment.objects.count())
    assert after == before


def test_bench_gradebook_refuses_nonsense_sizes(db):
    with pytest.raises(CommandError):
        call_command("bench_gradebook", "--students", "0", stdout=io.StringIO())


def test_queries_of_the_gradebook_are_what_the_bench_counts(school, teacher_client):
    classroom = build_class(school.teacher, students=8, assignments=3)
    with CaptureQueriesContext(connection) as captured:
        teacher_client.get(reverse("gradebook", args=[classroom.pk]))
    assert len(captured.captured_queries) == GRADEBOOK_QUERIES
