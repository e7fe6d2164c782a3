"""The teacher's assignments and late work, through the plain (no JavaScript) path and the HTMX path."""

from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts.services import attempt_start, attempt_submit
from quizzes.models import Accommodation, Assignment, Attempt
from tests import factories
from tests.answering import form_for
from tests.conftest import HTMX, client_for

GRACE = timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


def page_of(response) -> str:
    return unescape(response.content.decode())


def local(moment) -> str:
    """A moment as a datetime-local input sends it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def settings_form(**changes) -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    form = {
        "title": "Votes and dates",
        "opens_at": local(now - timedelta(hours=1)),
        "due_at": local(now + timedelta(days=2)),
        "time_limit_minutes": "20",
        "attempts_allowed": "2",
        "counting": "latest",
        "shuffle_questions": "on",
        "feedback": "submission",
        "show_correct_answers": "on",
        "allow_late": "0",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def fresh(assignment: Assignment) -> Assignment:
    return Assignment.objects.get(pk=assignment.pk)


# -- Who may enter -----------------------------------------------------------------------------------------------

PAGES = [
    ("get", "assignment_create"),
    ("post", "assignment_create"),
    ("get", "assignment_detail"),
    ("post", "assignment_detail"),
    ("post", "assignment_close"),
    ("post", "assignment_reopen"),
    ("get", "accommodation_edit"),
    ("post", "accommodation_edit"),
]


def url_for(name, school, quiz_set=None) -> str:
    if name == "assignment_create":
        return reverse(name, args=[(quiz_set or school.assignment.quiz_set).pk])
    return reverse(name, args=[school.assignment.pk])


def hostile_post(school) -> dict:
    """A POST that would change something on every one of these pages, if it were let through."""
    return settings_form(
        classrooms=[str(school.classroom.pk)], student=str(school.student.pk), extra_attempts="3", due_at=""
    )


def assert_nothing_changed(school, before: Assignment, count: int) -> None:
    after = fresh(school.assignment)
    assert Assignment.objects.count() == count
    assert (after.title, after.due_at, after.attempts_allowed, after.closed_at) == (
        before.title,
        before.due_at,
        before.attempts_allowed,
        before.closed_at,
    )
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_other_teachers_get_404_and_change_nothing(school, method, name):
    other_set = factories.QuizSetFactory(owner=school.teacher)
    before, count = fresh(school.assignment), Assignment.objects.count()
    client = client_for(school.other_teacher)
    response = getattr(client, method)(url_for(name, school, other_set), hostile_post(school))
    assert response.status_code == 404
    assert_nothing_changed(school, before, count)


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_students_get_403_and_change_nothing(school, method, name):
    before, count = fresh(school.assignment), Assignment.objects.count()
    response = getattr(client_for(school.student), method)(url_for(name, school), hostile_post(school))
    assert response.status_code == 403
    assert "for teachers" in page_of(response)
    assert_nothing_changed(school, before, count)


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, school, method, name):
    before, count = fresh(school.assignment), Assignment.objects.count()
    response = getattr(client, method)(url_for(name, school), hostile_post(school))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert_nothing_changed(school, before, count)


def test_closed_assignment_refuses_a_reopen_by_another_teacher(school):
    Assignment.objects.filter(pk=school.assignment.pk).update(closed_at=timezone.now())
    response = client_for(school.other_teacher).post(reverse("assignment_reopen", args=[school.assignment.pk]))
    assert response.status_code == 404
    assert fresh(school.assignment).closed_at is not None


def test_close_and_reopen_need_post(school, teacher_client):
    assert teacher_client.get(reverse("assignment_close", args=[school.assignment.pk])).status_code == 405
    assert teacher_client.get(reverse("assignment_reopen", args=[school.assignment.pk])).status_code == 405
    assert fresh(school.assignment).closed_at is None


# -- Assigning a set ---------------------------------------------------------------------------------------------


def test_assign_page_offers_only_the_teachers_current_classes(school, teacher_client):
    factories.ClassroomFactory(name="History 9Z", teacher=school.teacher, archived_at=timezone.now())
    factories.ClassroomFactory(name="History 11C", teacher=school.teacher)
    page = page_of(teacher_client.get(url_for("assignment_create", school)))
    assert "History 10A" in page and "History 11C" in page
    assert "History 10B" not in page  # another teacher's
    assert "History 9Z" not in page  # archived
    assert f'value="{school.assignment.quiz_set.title}"' in page  # the title defaults to the set's
    assert 'type="datetime-local"' in page and settings.TIME_ZONE in page


def test_assigning_to_one_class_saves_every_setting_and_opens_the_assignment(school, teacher_client):
    form = settings_form(classrooms=[str(school.classroom.pk)], opens_at="2031-10-24T09:30", due_at="2031-10-25T14:00")
    response = teacher_client.post(url_for("assignment_create", school), form)
    created = Assignment.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("assignment_detail", args=[created.pk])
    zone = ZoneInfo(settings.TIME_ZONE)
    assert created.opens_at == timezone.datetime(2031, 10, 24, 9, 30, tzinfo=zone)
    assert created.due_at == timezone.datetime(2031, 10, 25, 14, 0, tzinfo=zone)
    assert created.classroom == school.classroom and created.quiz_set == school.assignment.quiz_set
    assert (created.title, created.time_limit_minutes, created.attempts_allowed, created.counting) == (
        "Votes and dates",
        20,
        2,
        "latest",
    )
    assert created.shuffle_questions and not created.shuffle_choices
    assert (created.feedback, created.show_correct_answers, created.allow_late) == ("submission", True, False)
    assert "is assigned to History 10A" in page_of(teacher_client.get(response.url))


def test_assigning_to_several_classes_at_once_makes_one_each_and_goes_home(school, teacher_client):
    second = factories.ClassroomFactory(name="History 11C", teacher=school.teacher)
    before = Assignment.objects.count()
    form = settings_form(classrooms=[str(school.classroom.pk), str(second.pk)])
    response = teacher_client.post(url_for("assignment_create", school), form)
    assert response.status_code == 302 and response.url == reverse("teacher_dashboard")
    assert Assignment.objects.count() == before + 2
    assert set(Assignment.objects.filter(title="Votes and dates").values_list("classroom", flat=True)) == {
        school.classroom.pk,
        second.pk,
    }


def test_htmx_assign_sends_the_browser_to_the_new_assignment(school, teacher_client):
    form = settings_form(classrooms=[str(school.classroom.pk)])
    response = teacher_client.post(url_for("assignment_create", school), form, headers=HTMX)
    created = Assignment.objects.latest("pk")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == reverse("assignment_detail", args=[created.pk])


def test_a_shared_set_can_be_assigned_but_not_another_teachers(school, teacher_client):
    assert school.assignment.quiz_set.owner is None
    assert teacher_client.get(url_for("assignment_create", school)).status_code == 200
    mine = factories.QuizSetFactory(owner=school.teacher)
    assert teacher_client.get(url_for("assignment_create", school, mine)).status_code == 200
    theirs = factories.QuizSetFactory(owner=school.other_teacher)
    response = teacher_client.post(
        url_for("assignment_create", school, theirs), settings_form(classrooms=[str(school.classroom.pk)])
    )
    assert response.status_code == 404
    assert not Assignment.objects.filter(quiz_set=theirs).exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_due_before_opening_is_a_clear_422_and_assigns_nothing(school, teacher_client, htmx):
    before = Assignment.objects.count()
    form = settings_form(classrooms=[str(school.classroom.pk)], opens_at="2031-10-25T14:00", due_at="2031-10-25T09:00")
    response = teacher_client.post(url_for("assignment_create", school), form, headers=HTMX if htmx else {})
    page = page_of(response)
    assert response.status_code == 422
    assert "The due date must be after the quiz opens (25 Oct 2031 14:00)." in page
    assert ("<html" in page) is not htmx and 'id="assign-form"' in page
    assert "HX-Request" in response.headers["Vary"]
    assert 'value="2031-10-25T09:00"' in page  # what the teacher typed stays
    assert Assignment.objects.count() == before


def test_a_foreign_class_in_the_post_is_refused_with_a_message_and_assigns_nothing(school, teacher_client):
    before = Assignment.objects.count()
    form = settings_form(classrooms=[str(school.classroom.pk), str(school.other_classroom.pk)])
    response = teacher_client.post(url_for("assignment_create", school), form)
    assert response.status_code == 422
    assert "Choose among your own current classes" in page_of(response)
    assert Assignment.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"classrooms": []}, "Choose at least one class."),
        ({"classrooms": ["x"]}, "Choose among your own current classes."),
        ({"opens_at": "next tuesday"}, "Enter a valid date/time."),
        ({"opens_at": ""}, "This field is required."),
        ({"due_at": "9999-12-31T23:59"}, "Choose a date between 2000 and 2100."),
        ({"time_limit_minutes": "0"}, "greater than or equal to 1"),
        ({"time_limit_minutes": "100000"}, "less than or equal to 600"),
        ({"attempts_allowed": "0"}, "greater than or equal to 1"),
        ({"attempts_allowed": "many"}, "Enter a whole number."),
        ({"counting": "best"}, "Select a valid choice."),
        ({"feedback": "sometimes"}, "Select a valid choice."),
        ({"allow_late": "maybe"}, "Select a valid choice."),
        ({"feedback": "due", "due_at": ""}, "Feedback after the due date needs a due date."),
        ({"title": "x" * 201}, "at most 200 characters"),
    ],
)
def test_bad_assign_input_is_a_422_with_a_message(school, teacher_client, changes, message):
    before = Assignment.objects.count()
    form = settings_form(classrooms=[str(school.classroom.pk)]) | changes
    response = teacher_client.post(url_for("assignment_create", school), form)
    assert response.status_code == 422
    assert message in page_of(response)
    assert Assignment.objects.count() == before


@pytest.mark.skipif(settings.TIME_ZONE != "Europe/London", reason="the clocks change on this date in London")
def test_a_time_the_clocks_skip_is_a_422_not_a_crash(school, teacher_client):
    form = settings_form(classrooms=[str(school.classroom.pk)], opens_at="2031-03-30T01:30")
    response = teacher_client.post(url_for("assignment_create", school), form)
    assert response.status_code == 422
    assert "may not exist" in page_of(response)


def test_assign_page_without_classes_says_to_make_one(school):
    lonely = factories.TeacherFactory()
    page = page_of(client_for(lonely).get(url_for("assignment_create", school)))
    assert "You have no current classes" in page and reverse("class_create") in page


# -- The assignment page ------------------------------------------------------------------------------------------


def test_detail_shows_the_settings_in_words_the_class_the_counts_and_the_links(school, teacher_client):
    Assignment.objects.filter(pk=school.assignment.pk).update(
        time_limit_minutes=25, attempts_allowed=3, counting="average", feedback="due", allow_late=False
    )
    attempt_submit(attempt=attempt_start(student=school.student, assignment=school.assignment))
    response = teacher_client.get(reverse("assignment_detail", args=[school.assignment.pk]))
    page = page_of(response)
    assert response.status_code == 200
    assert school.assignment.display_title in page and "History 10A" in page
    assert "Open" in page and "Students can start it until" in page
    assert "25 minutes" in page
    assert "3 attempts; the grade is the average of attempts" in page
    assert "After the due date" in page
    assert "Refused: attempts end at the due date" in page
    assert "Shown when students review their attempt" in page
    assert "<dt>Students</dt><dd>2</dd>" in page
    assert "<dt>Started</dt><dd>1</dd>" in page and "<dt>Submitted</dt><dd>1</dd>" in page
    assert "<dt>Submitted late</dt><dd>0</dd>" in page
    assert reverse("assignment_results", args=[school.assignment.pk]) in page
    assert reverse("gradebook", args=[school.classroom.pk]) in page
    assert reverse("accommodation_edit", args=[school.assignment.pk]) in page
    assert 'id="settings-form"' in page and 'value="25"' in page


@pytest.mark.parametrize(
    ("opens", "due", "closed", "words"),
    [
        (timedelta(hours=2), timedelta(days=2), False, "Scheduled"),
        (-timedelta(hours=2), timedelta(days=2), False, "Students can start it"),
        (-timedelta(days=2), -timedelta(hours=2), False, "Late submissions are accepted and marked late"),
        (-timedelta(hours=2), timedelta(days=2), True, "no one can start it"),
    ],
)
def test_detail_shows_the_status(school, teacher_client, opens, due, closed, words):
    now = timezone.now()
    Assignment.objects.filter(pk=school.assignment.pk).update(
        opens_at=now + opens, due_at=now + due, closed_at=now if closed else None
    )
    page = page_of(teacher_client.get(reverse("assignment_detail", args=[school.assignment.pk])))
    assert words in page


def test_editing_the_settings_saves_them(school, teacher_client):
    url = reverse("assignment_detail", args=[school.assignment.pk])
    response = teacher_client.post(url, settings_form(attempts_allowed="4", due_at="2031-11-07T15:00"))
    assert response.status_code == 302 and response.url == url
    saved = fresh(school.assignment)
    assert saved.attempts_allowed == 4 and saved.counting == "latest" and not saved.allow_late
    assert timezone.localtime(saved.due_at).strftime("%Y-%m-%d %H:%M") == "2031-11-07 15:00"
    assert "The settings are saved." in page_of(teacher_client.get(url))


def test_htmx_edit_reloads_the_page(school, teacher_client):
    url = reverse("assignment_detail", args=[school.assignment.pk])
    response = teacher_client.post(url, settings_form(), headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == url
    assert fresh(school.assignment).title == "Votes and dates"


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_edit_is_422_with_the_form_and_saves_nothing(school, teacher_client, htmx):
    before = fresh(school.assignment)
    url = reverse("assignment_detail", args=[school.assignment.pk])
    form = settings_form(opens_at="2031-10-25T14:00", due_at="2031-10-24T14:00", attempts_allowed="7")
    response = teacher_client.post(url, form, headers=HTMX if htmx else {})
    page = page_of(response)
    assert response.status_code == 422
    assert "The due date must be after the quiz opens" in page
    assert 'id="settings-form"' in page and ("<html" in page) is not htmx
    assert fresh(school.assignment).attempts_allowed == before.attempts_allowed


def test_editing_after_students_started_extends_their_attempts(school, teacher_client):
    Assignment.objects.filter(pk=school.assignment.pk).update(time_limit_minutes=10)
    attempt = attempt_start(student=school.student, assignment=fresh(school.assignment))
    url = reverse("assignment_detail", args=[school.assignment.pk])
    teacher_client.post(url, settings_form(time_limit_minutes="40", allow_late="1"))
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=40)


def test_detail_query_count_does_not_grow_with_the_class(school, teacher_client, django_assert_num_queries):
    url = reverse("assignment_detail", args=[school.assignment.pk])
    # session, user, assignment (with class and set), the counts, the number of questions
    with django_assert_num_queries(5):
        teacher_client.get(url)
    for _ in range(15):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        attempt_submit(attempt=attempt_start(student=student, assignment=school.assignment))
        factories.AccommodationFactory(assignment=school.assignment, student=student, extra_attempts=1)
    with django_assert_num_queries(5):
        page = page_of(teacher_client.get(url))
    assert "<dt>Students</dt><dd>17</dd>" in page and "<dt>Submitted</dt><dd>15</dd>" in page


# -- Closing and reopening ---------------------------------------------------------------------------------------


def test_closing_submits_attempts_under_way_and_stops_new_ones(school, teacher_client):
    student_client = client_for(school.student)
    attempt = attempt_start(student=school.student, assignment=school.assignment)
    question = attempt.responses.get(position=1).question
    student_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), form_for(attempt, question))
    response = teacher_client.post(reverse("assignment_close", args=[school.assignment.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted and attempt.score == 1
    assert fresh(school.assignment).closed_at is not None
    page = page_of(teacher_client.get(response.url))
    assert "1 attempt under way was submitted" in page and "Reopen the quiz" in page
    refused = client_for(school.classmate).post(reverse("assignment_start", args=[school.assignment.pk]))
    assert refused.status_code == 403 and "not open" in page_of(refused)


def test_htmx_close_reloads_the_page(school, teacher_client):
    response = teacher_client.post(reverse("assignment_close", args=[school.assignment.pk]), headers=HTMX)
    assert response.headers["HX-Redirect"] == reverse("assignment_detail", args=[school.assignment.pk])
    assert fresh(school.assignment).closed_at is not None


def test_closing_a_closed_assignment_changes_nothing(school, teacher_client):
    then = timezone.now() - timedelta(hours=1)
    Assignment.objects.filter(pk=school.assignment.pk).update(closed_at=then)
    response = teacher_client.post(reverse("assignment_close", args=[school.assignment.pk]), follow=True)
    assert "already closed" in page_of(response)
    assert fresh(school.assignment).closed_at == then


def test_reopening_before_the_due_date_needs_no_new_date(school, teacher_client):
    Assignment.objects.filter(pk=school.assignment.pk).update(closed_at=timezone.now())
    response = teacher_client.post(reverse("assignment_reopen", args=[school.assignment.pk]), {"due_at": ""})
    assert response.status_code == 302
    assert fresh(school.assignment).closed_at is None
    assert "Reopened" in page_of(teacher_client.get(response.url))


@pytest.mark.parametrize("htmx", [False, True])
def test_reopening_past_the_due_date_asks_for_a_new_one(school, teacher_client, htmx):
    now = timezone.now()
    Assignment.objects.filter(pk=school.assignment.pk).update(
        opens_at=now - timedelta(days=3), due_at=now - timedelta(days=1), closed_at=now
    )
    url = reverse("assignment_reopen", args=[school.assignment.pk])
    response = teacher_client.post(url, {"due_at": ""}, headers=HTMX if htmx else {})
    page = page_of(response)
    assert response.status_code == 422
    assert "The due date has passed: give a new due date to reopen the quiz." in page
    assert 'id="close-panel"' in page and ("<html" in page) is not htmx
    assert fresh(school.assignment).closed_at is not None

    past = teacher_client.post(url, {"due_at": local(now - timedelta(hours=2))})
    assert past.status_code == 422 and "must be in the future" in page_of(past)

    later = now + timedelta(days=2)
    done = teacher_client.post(url, {"due_at": local(later)})
    assert done.status_code == 302
    reopened = fresh(school.assignment)
    assert reopened.closed_at is None and local(reopened.due_at) == local(later)


def test_reopening_an_open_assignment_says_so(school, teacher_client):
    response = teacher_client.post(reverse("assignment_reopen", args=[school.assignment.pk]), follow=True)
    assert "already open" in page_of(response)


# -- Accommodations -----------------------------------------------------------------------------------------------


def accommodations_url(school) -> str:
    return reverse("accommodation_edit", args=[school.assignment.pk])


def test_accommodations_page_lists_the_current_students_with_their_terms(school, teacher_client):
    left = factories.UserFactory(username="gone", first_name="Gone")
    factories.EnrollmentFactory(classroom=school.classroom, student=left, left_at=timezone.now())
    factories.AccommodationFactory(
        assignment=school.assignment, student=school.student, extra_time_percent=50, extra_attempts=2
    )
    page = page_of(teacher_client.get(accommodations_url(school)))
    assert "sasha" in page and "misha" in page and "gone" not in page
    assert "+50%" in page and "+2" in page
    assert "Same terms as the class" in page
    assert 'id="accommodation-form"' in page


def test_choosing_a_student_fills_the_form_with_their_terms(school, teacher_client):
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_time_minutes=15)
    url = f"{accommodations_url(school)}?student={school.student.pk}"
    page = page_of(teacher_client.get(url))
    assert f"Accommodation for {school.student.display_name}" in page
    assert 'name="extra_time_minutes" value="15"' in page
    assert f'value="{school.student.pk}" selected' in page
    fragment = teacher_client.get(url, headers=HTMX)
    assert "<html" not in page_of(fragment) and 'id="accommodations"' in page_of(fragment)


def test_setting_an_accommodation_saves_it(school, teacher_client):
    due = timezone.now().replace(second=0, microsecond=0) + timedelta(days=5)
    form = {
        "student": school.student.pk,
        "extra_time_percent": "25",
        "extra_time_minutes": "",
        "extra_attempts": "1",
        "due_at": local(due),
    }
    response = teacher_client.post(accommodations_url(school), form)
    assert response.status_code == 302 and response.url == accommodations_url(school)
    accommodation = Accommodation.objects.get(assignment=school.assignment, student=school.student)
    assert (accommodation.extra_time_percent, accommodation.extra_time_minutes, accommodation.extra_attempts) == (
        25,
        0,
        1,
    )
    assert accommodation.due_at == due
    assert "Saved the accommodation for" in page_of(teacher_client.get(response.url))


def test_htmx_setting_an_accommodation_swaps_the_table_with_a_notice(school, teacher_client):
    form = {"student": school.classmate.pk, "extra_attempts": "2"}
    response = teacher_client.post(accommodations_url(school), form, headers=HTMX)
    page = page_of(response)
    assert response.status_code == 200
    assert "<html" not in page and 'id="accommodations"' in page
    assert "Saved the accommodation for" in page and "+2" in page
    assert Accommodation.objects.get(student=school.classmate).extra_attempts == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extra_time_percent": "401"}, "less than or equal to 400"),
        ({"extra_time_percent": "-5"}, "greater than or equal to 0"),
        ({"extra_time_minutes": "601"}, "less than or equal to 600"),
        ({"extra_attempts": "21"}, "less than or equal to 20"),
        ({"extra_attempts": "lots"}, "Enter a whole number."),
        ({"due_at": "2001-01-01T10:00"}, "A personal due date must be after the quiz opens"),
        ({"due_at": "soon"}, "Enter a valid date/time."),
        ({"student": ""}, "Choose a student."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_accommodation_input_is_a_422_and_saves_nothing(school, teacher_client, changes, message, htmx):
    form = {"student": school.student.pk, "extra_attempts": "1"} | changes
    response = teacher_client.post(accommodations_url(school), form, headers=HTMX if htmx else {})
    page = page_of(response)
    assert response.status_code == 422
    assert message in page and ("<html" in page) is not htmx
    assert not Accommodation.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "left", "teacher", "nobody"])
def test_accommodations_only_for_students_now_in_the_class(school, teacher_client, who):
    left = factories.UserFactory()
    factories.EnrollmentFactory(classroom=school.classroom, student=left, left_at=timezone.now())
    student_pk = {"stranger": school.stranger.pk, "left": left.pk, "teacher": school.teacher.pk, "nobody": 99999}[who]
    response = teacher_client.post(accommodations_url(school), {"student": student_pk, "extra_attempts": "3"})
    assert response.status_code == 422
    assert "That student is not in this class." in page_of(response)
    assert not Accommodation.objects.exists()


def test_clearing_an_accommodation_gives_the_class_terms_back(school, teacher_client):
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=2)
    response = teacher_client.post(accommodations_url(school), {"student": school.student.pk, "clear": "1"})
    assert response.status_code == 302
    assert not Accommodation.objects.exists()
    assert "now has the same terms as the class" in page_of(teacher_client.get(response.url))


def test_clearing_for_a_student_of_another_class_is_refused(school, teacher_client):
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=2)
    response = teacher_client.post(
        accommodations_url(school), {"student": school.stranger.pk, "clear": "1"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "That student is not in this class." in page_of(response)
    assert Accommodation.objects.count() == 1


def test_saving_all_zero_removes_the_accommodation(school, teacher_client):
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=2)
    form = {"student": school.student.pk, "extra_time_percent": "0", "extra_attempts": "0", "due_at": ""}
    assert teacher_client.post(accommodations_url(school), form).status_code == 302
    assert not Accommodation.objects.exists()


def test_an_accommodation_lets_the_student_try_again(school, teacher_client):
    student_client = client_for(school.student)
    attempt_submit(attempt=attempt_start(student=school.student, assignment=school.assignment))
    start = reverse("assignment_start", args=[school.assignment.pk])
    assert student_client.post(start).status_code == 403
    teacher_client.post(accommodations_url(school), {"student": school.student.pk, "extra_attempts": "1"})
    assert student_client.post(start).status_code == 302
    assert Attempt.objects.filter(student=school.student).count() == 2


def test_accommodations_query_count_does_not_grow_with_the_class(school, teacher_client, django_assert_num_queries):
    url = accommodations_url(school)
    # session, user, assignment, students, accommodations, the student choices of the form
    with django_assert_num_queries(6):
        teacher_client.get(url)
    for _ in range(15):
        student = factories.UserFactory()
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        factories.AccommodationFactory(assignment=school.assignment, student=student, extra_attempts=1)
    with django_assert_num_queries(6):
        page = page_of(teacher_client.get(url))
    assert page.count("+1") == 15


# -- Late work, through the student's pages -----------------------------------------------------------------------


def make_due(assignment: Assignment, *, ago: timedelta, allow_late: bool) -> None:
    now = timezone.now()
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=now - timedelta(days=3), due_at=now - ago, allow_late=allow_late
    )


def test_without_late_work_a_student_cannot_start_after_the_due_date(school):
    make_due(school.assignment, ago=timedelta(minutes=5), allow_late=False)
    response = client_for(school.student).post(reverse("assignment_start", args=[school.assignment.pk]))
    assert response.status_code == 403
    assert "not open" in page_of(response)
    assert not Attempt.objects.exists()


def test_without_late_work_an_attempt_ends_at_the_due_date(school):
    Assignment.objects.filter(pk=school.assignment.pk).update(allow_late=False)
    attempt = attempt_start(student=school.student, assignment=fresh(school.assignment))
    assert attempt.deadline == school.assignment.due_at


@pytest.mark.parametrize("htmx", [False, True])
def test_without_late_work_answers_after_the_due_date_and_grace_are_refused(school, htmx):
    student_client = client_for(school.student)
    Assignment.objects.filter(pk=school.assignment.pk).update(allow_late=False)
    attempt = attempt_start(student=school.student, assignment=fresh(school.assignment))
    first = attempt.responses.get(position=1)
    student_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), form_for(attempt, first.question))
    # The due date passes while the student is still working, and the grace period with it.
    gone = timezone.now() - GRACE - timedelta(seconds=1)
    make_due(school.assignment, ago=GRACE + timedelta(seconds=1), allow_late=False)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=gone)
    second = attempt.responses.get(position=2)
    response = student_client.post(
        reverse("attempt_answer", args=[attempt.pk, 2]),
        form_for(attempt, second.question),
        headers=HTMX if htmx else {},
    )
    if htmx:
        assert response.status_code == 409
        assert "Time is up" in page_of(response)
    else:
        assert response.status_code == 302 and response.url == reverse("attempt_results", args=[attempt.pk])
    attempt.refresh_from_db()
    second.refresh_from_db()
    assert attempt.is_submitted and attempt.auto_submitted and attempt.score == 1
    assert not second.is_answered


def test_without_late_work_an_answer_within_the_grace_period_is_kept(school):
    student_client = client_for(school.student)
    Assignment.objects.filter(pk=school.assignment.pk).update(allow_late=False)
    attempt = attempt_start(student=school.student, assignment=fresh(school.assignment))
    make_due(school.assignment, ago=timedelta(seconds=5), allow_late=False)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    first = attempt.responses.get(position=1)
    response = student_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), form_for(attempt, first.question))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_answered


def test_with_late_work_a_late_submission_is_accepted_and_marked_late(school, teacher_client):
    make_due(school.assignment, ago=timedelta(hours=1), allow_late=True)
    student_client = client_for(school.student)
    started = student_client.post(reverse("assignment_start", args=[school.assignment.pk]))
    assert started.status_code == 302
    attempt = Attempt.objects.get(student=school.student)
    first = attempt.responses.get(position=1)
    answered = student_client.post(reverse("attempt_answer", args=[attempt.pk, 1]), form_for(attempt, first.question))
    assert answered.status_code == 302
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.is_late and attempt.score == 1
    results = page_of(student_client.get(reverse("attempt_results", args=[attempt.pk])))
    assert "marked late" in results
    detail = page_of(teacher_client.get(reverse("assignment_detail", args=[school.assignment.pk])))
    assert "<dt>Submitted late</dt><dd>1</dd>" in detail
    assert "Late submissions are accepted and marked late" in detail
