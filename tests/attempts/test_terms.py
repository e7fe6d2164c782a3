"""The one definition of open, due, late and expired: Terms, Assignment.status and Attempt's state, at their edges."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from quizzes.attempts.selectors import AssignmentCard
from quizzes.attempts.services import AttemptRefused, attempt_start, attempt_submit
from quizzes.attempts.terms import Terms, terms_for
from quizzes.models import Accommodation, Assignment, Attempt
from tests import factories

GRACE = timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)
OPENS = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
DUE = OPENS + timedelta(days=7)
Status = Assignment.Status


def assignment(**changes) -> Assignment:
    fields = {"opens_at": OPENS, "due_at": DUE, "allow_late": True, "attempts_allowed": 1, "closed_at": None}
    return Assignment(**(fields | changes))


# -- Open, due, closed ---------------------------------------------------------------------------------------------


def test_before_it_opens_it_is_scheduled_and_takes_no_attempt():
    terms = Terms.of(assignment())
    before = OPENS - timedelta(seconds=1)
    assert terms.status(before) == Status.SCHEDULED
    assert not terms.is_open(before)
    assert not terms.is_past_due(before)


def test_from_the_moment_it_opens_until_the_due_date_it_is_open():
    terms = Terms.of(assignment())
    for moment in (OPENS, DUE - timedelta(seconds=1)):
        assert terms.status(moment) == Status.OPEN
        assert terms.is_open(moment)


def test_without_a_due_date_it_stays_open():
    terms = Terms.of(assignment(due_at=None))
    assert terms.status(OPENS + timedelta(days=400)) == Status.OPEN
    assert not terms.is_past_due(OPENS + timedelta(days=400))


@pytest.mark.parametrize("allow_late", [True, False])
def test_at_the_due_date_it_is_past_due_and_open_only_with_late_work_accepted(allow_late):
    terms = Terms.of(assignment(allow_late=allow_late))
    assert terms.status(DUE) == Status.PAST_DUE
    assert terms.is_past_due(DUE)
    assert terms.is_open(DUE) is allow_late
    assert terms.is_open(DUE + timedelta(days=30)) is allow_late


def test_closed_early_it_is_closed_whatever_the_dates_but_still_past_due_after_the_due_date():
    terms = Terms.of(assignment(closed_at=OPENS + timedelta(hours=1)))
    for moment in (OPENS - timedelta(hours=1), OPENS + timedelta(hours=2), DUE + timedelta(hours=1)):
        assert terms.status(moment) == Status.CLOSED
        assert not terms.is_open(moment)
    # Review after the due date follows the date alone: closing early does not hide it.
    assert terms.is_past_due(DUE) and not terms.is_past_due(DUE - timedelta(seconds=1))


def test_the_assignment_status_is_the_class_terms():
    a = assignment(allow_late=False)
    for moment in (OPENS - timedelta(1), OPENS, DUE, DUE + timedelta(1)):
        assert a.status(moment) == a.terms.status(moment) == Terms.of(a).status(moment)
        assert a.is_open(moment) == a.terms.is_open(moment)
        assert a.is_past_due(moment) == a.terms.is_past_due(moment)


moments = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 11, 1), timezones=st.just(UTC))


@given(moments, st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(days=20))), st.booleans(), st.booleans())
def test_open_is_the_rule_starting_has_always_followed(now, due_in, allow_late, closed):
    """Not closed, opened, and before the due date unless late work is accepted (the rule Assignment.is_open and
    Terms.is_open each wrote out before they became one)."""
    due_at = None if due_in is None else OPENS + due_in + timedelta(seconds=1)
    a = assignment(due_at=due_at, allow_late=allow_late, closed_at=OPENS if closed else None)
    expected = not closed and now >= OPENS and (allow_late or due_at is None or now < due_at)
    assert Terms.of(a).is_open(now) is expected
    assert a.is_open(now) is expected


# -- A student's own terms ------------------------------------------------------------------------------------------


def test_a_personal_due_date_moves_due_and_late_for_that_student_only():
    a = assignment(allow_late=False)
    personal = Terms.of(a, Accommodation(due_at=DUE + timedelta(days=2)))
    assert a.status(DUE + timedelta(days=1)) == Status.PAST_DUE
    assert personal.status(DUE + timedelta(days=1)) == Status.OPEN
    assert personal.is_open(DUE + timedelta(days=1))
    assert not personal.is_late(DUE + timedelta(days=1))
    assert personal.is_late(DUE + timedelta(days=2) + GRACE + timedelta(seconds=1))


def test_extra_time_and_attempts_are_added_to_the_assignments():
    a = assignment(time_limit_minutes=20, attempts_allowed=2)
    terms = Terms.of(a, Accommodation(extra_time_percent=50, extra_time_minutes=5, extra_attempts=1))
    assert terms.time_limit == timedelta(minutes=35)
    assert terms.attempts_allowed == 3
    assert Terms.of(a, None).time_limit == timedelta(minutes=20)


def test_attempts_left_never_goes_below_zero():
    terms = Terms.of(assignment(attempts_allowed=2))
    assert [terms.attempts_left(made) for made in (0, 1, 2, 3)] == [2, 1, 0, 0]


# -- Late ----------------------------------------------------------------------------------------------------------


def test_a_submission_within_the_grace_period_after_the_due_date_is_not_late():
    terms = Terms.of(assignment())
    assert not terms.is_late(DUE)
    assert not terms.is_late(DUE + GRACE)
    assert terms.is_late(DUE + GRACE + timedelta(microseconds=1))
    assert not Terms.of(assignment(due_at=None)).is_late(DUE + timedelta(days=300))


# -- Deadlines -----------------------------------------------------------------------------------------------------


def test_a_timed_attempt_ends_at_its_time_limit():
    terms = Terms.of(assignment(time_limit_minutes=30))
    assert terms.deadline(OPENS) == OPENS + timedelta(minutes=30)
    assert Terms.of(assignment()).deadline(OPENS) is None


def test_with_late_work_refused_the_due_date_ends_an_attempt_earlier():
    assert Terms.of(assignment(allow_late=False)).deadline(DUE - timedelta(hours=1)) == DUE
    timed = Terms.of(assignment(allow_late=False, time_limit_minutes=30))
    assert timed.deadline(DUE - timedelta(minutes=10)) == DUE
    assert timed.deadline(DUE - timedelta(hours=1)) == DUE - timedelta(minutes=30)
    assert Terms.of(assignment(allow_late=True)).deadline(DUE - timedelta(hours=1)) is None


def test_new_terms_lengthen_attempts_under_way_but_shorten_them_only_at_a_hard_stop_not_before_now():
    started = OPENS
    now = OPENS + timedelta(minutes=10)
    current = OPENS + timedelta(minutes=30)
    longer = Terms.of(assignment(time_limit_minutes=60))
    shorter = Terms.of(assignment(time_limit_minutes=15))
    assert longer.recapped_deadline(current, started, now) == OPENS + timedelta(minutes=60)
    assert shorter.recapped_deadline(current, started, now) == current
    assert Terms.of(assignment()).recapped_deadline(current, started, now) is None
    assert Terms.of(assignment()).recapped_deadline(None, started, now) is None
    hard = Terms.of(assignment(allow_late=False, due_at=OPENS + timedelta(minutes=20), time_limit_minutes=30))
    assert hard.recapped_deadline(current, started, now) == OPENS + timedelta(minutes=20)
    past = Terms.of(assignment(allow_late=False, due_at=OPENS + timedelta(minutes=5)))
    assert past.recapped_deadline(None, started, now) == now


# -- An attempt's own state ------------------------------------------------------------------------------------------


def test_time_is_up_at_the_deadline_and_the_attempt_expires_after_the_grace_period():
    deadline = OPENS + timedelta(minutes=30)
    attempt = Attempt(deadline=deadline)
    assert not attempt.time_is_up(deadline - timedelta(seconds=1))
    assert attempt.time_is_up(deadline)
    assert not attempt.is_expired(deadline)
    assert not attempt.is_expired(deadline + GRACE)
    assert attempt.is_expired(deadline + GRACE + timedelta(microseconds=1))
    untimed = Attempt(deadline=None)
    assert not untimed.time_is_up(DUE + timedelta(days=300)) and not untimed.is_expired(DUE + timedelta(days=300))


def test_attempt_state_names():
    assert Attempt(submitted_at=None).state == Attempt.State.IN_PROGRESS
    assert Attempt(submitted_at=OPENS, is_late=False).state == Attempt.State.SUBMITTED
    assert Attempt(submitted_at=OPENS, is_late=True).state == Attempt.State.LATE


def test_the_database_computes_the_same_state_as_the_model(school):
    in_progress = factories.AttemptFactory(assignment=school.assignment, student=school.student)
    on_time = factories.AttemptFactory(
        assignment=school.assignment, student=school.student, number=2, submitted_at=OPENS, score=0
    )
    late = factories.AttemptFactory(
        assignment=school.assignment, student=school.student, number=3, submitted_at=OPENS, score=0, is_late=True
    )
    states = dict(Attempt.objects.with_state().values_list("pk", "state"))
    assert states == {a.pk: a.state for a in (in_progress, on_time, late)}
    assert set(states.values()) == {Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED, Attempt.State.LATE}


def test_the_attempts_taking_answers_are_those_in_progress_and_not_expired(school):
    now = OPENS + timedelta(hours=1)
    made = [
        factories.AttemptFactory(assignment=school.assignment, deadline=deadline)  # a student each
        for deadline in (None, now, now - GRACE, now - GRACE - timedelta(microseconds=1))
    ]
    made.append(
        factories.AttemptFactory(assignment=school.assignment, student=school.classmate, submitted_at=now, score=0)
    )
    taking = set(Attempt.objects.taking_answers(now).values_list("pk", flat=True))
    assert taking == {a.pk for a in made if not a.is_submitted and not a.is_expired(now)}
    assert len(taking) == 3


# -- The same definition where students meet it ----------------------------------------------------------------------


def card(a: Assignment, attempts: list[Attempt], now, accommodation=None) -> AssignmentCard:
    return AssignmentCard(assignment=a, attempts=attempts, terms=Terms.of(a, accommodation), now=now)


def test_the_dashboard_card_follows_the_terms():
    a = assignment(allow_late=False, attempts_allowed=1)
    assert card(a, [], OPENS - timedelta(1)).not_open_yet
    assert not card(a, [], OPENS - timedelta(1)).can_start
    assert card(a, [], OPENS).can_start and card(a, [], OPENS).status == Attempt.State.NOT_STARTED
    assert not card(a, [], DUE).can_start
    assert card(a, [], DUE, Accommodation(due_at=DUE + timedelta(1))).can_start
    submitted = Attempt(number=1, submitted_at=OPENS, is_late=True)
    used_up = card(a, [submitted], OPENS + timedelta(1))
    assert (used_up.status, used_up.attempts_left, used_up.can_start) == (Attempt.State.SUBMITTED, 0, False)
    under_way = card(a, [Attempt(number=1)], DUE + timedelta(1))
    assert under_way.status == Attempt.State.IN_PROGRESS and under_way.can_start  # "Continue"


def test_starting_is_refused_once_the_attempts_are_used_and_allowed_with_an_extra_one(school):
    attempt_submit(attempt=attempt_start(student=school.student, assignment=school.assignment))
    with pytest.raises(AttemptRefused, match="used all your attempts"):
        attempt_start(student=school.student, assignment=school.assignment)
    factories.AccommodationFactory(assignment=school.assignment, student=school.student, extra_attempts=1)
    assert terms_for(school.assignment, school.student).attempts_allowed == 2
    assert attempt_start(student=school.student, assignment=school.assignment).number == 2


def test_starting_follows_late_work_and_the_personal_due_date(school):
    a = school.assignment
    now = a.due_at + timedelta(minutes=1)
    a.allow_late = False
    a.save()
    with pytest.raises(AttemptRefused, match="not open"):
        attempt_start(student=school.student, assignment=a, now=now)
    factories.AccommodationFactory(assignment=a, student=school.student, due_at=a.due_at + timedelta(days=1))
    assert attempt_start(student=school.student, assignment=a, now=now).deadline == a.due_at + timedelta(days=1)
    a.allow_late = True
    a.save()
    assert attempt_start(student=school.classmate, assignment=a, now=now).deadline is None


def test_a_submission_is_marked_late_after_the_students_own_due_date_and_grace(school):
    a = school.assignment
    first = attempt_start(student=school.student, assignment=a)
    assert not attempt_submit(attempt=first, now=a.due_at + GRACE).is_late
    second = attempt_start(student=school.classmate, assignment=a)
    assert attempt_submit(attempt=second, now=a.due_at + GRACE + timedelta(seconds=1)).is_late


# -- Who can still answer, who is done: Terms and their twins for a whole class (EnrolmentTerms) ----------------------


def test_can_still_answer_and_done_at_their_edges():
    a = assignment(allow_late=False, attempts_allowed=1)
    terms = Terms.of(a)
    assert terms.can_still_answer(DUE - timedelta(seconds=1), made=0, answering=False)  # may start
    assert not terms.can_still_answer(DUE - timedelta(seconds=1), made=1, answering=False)  # used it
    assert terms.can_still_answer(DUE + GRACE, made=1, answering=True)  # an attempt still taking answers
    assert not terms.can_still_answer(DUE, made=0, answering=False)  # late work refused
    assert Terms.of(assignment(allow_late=True)).can_still_answer(DUE + timedelta(days=30), made=0, answering=False)
    # Done only once the grace period after the student's own due date is over, whatever else.
    assert not terms.is_done(DUE + GRACE, made=1, answering=False)
    assert terms.is_done(DUE + GRACE + timedelta(microseconds=1), made=1, answering=False)
    assert not terms.is_done(DUE + timedelta(days=1), made=1, answering=True)
    later = Terms.of(a, Accommodation(due_at=DUE + timedelta(days=2)))
    assert not later.is_done(DUE + timedelta(days=1), made=1, answering=False)
    assert not Terms.of(assignment(due_at=None)).is_done(DUE + timedelta(days=400), made=1, answering=False)


def _enrolment_students(classroom, condition) -> set:
    from quizzes.models import Enrollment

    return set(Enrollment.objects.filter(condition, classroom=classroom).values_list("student_id", flat=True))


CLASS_DUE = {"long past": -timedelta(days=1), "within grace": -GRACE / 2, "to come": timedelta(days=1)}


@pytest.mark.parametrize("due", list(CLASS_DUE))
@pytest.mark.parametrize("allow_late", [False, True])
@pytest.mark.parametrize("state", ["open", "closed", "not open yet"])
def test_each_condition_selects_the_students_its_terms_twin_selects(school, due, allow_late, state):
    """Students on each edge (no attempt, attempts used, an attempt open with and without a deadline, in and past
    the grace period, extra attempts, personal due dates earlier, within grace and later) under each kind of
    assignment: EnrolmentTerms selects, in SQL, exactly the students whose Terms say the same."""
    from django.utils import timezone

    from quizzes.attempts.terms import EnrolmentTerms

    now = timezone.now()
    a = school.assignment
    a.opens_at = now + timedelta(hours=1) if state == "not open yet" else now - timedelta(days=10)
    a.due_at = max(now + CLASS_DUE[due], a.opens_at + timedelta(hours=1))
    a.allow_late, a.attempts_allowed = allow_late, 1
    a.closed_at = now if state == "closed" else None
    a.save()
    submitted = {"submitted_at": now, "score": 0}
    situations = {
        "nothing yet": {},
        "used": {"attempts": [submitted]},
        "open, no deadline": {"attempts": [{}]},
        "open, time left": {"attempts": [{"deadline": now + timedelta(minutes=5)}]},
        "open, within grace": {"attempts": [{"deadline": now - GRACE / 2}]},
        "open, expired": {"attempts": [{"deadline": now - GRACE - timedelta(seconds=1)}]},
        "extra attempt left": {"attempts": [submitted], "accommodation": {"extra_attempts": 1}},
        "extra attempt used": {"attempts": [submitted, submitted], "accommodation": {"extra_attempts": 1}},
        "own due later": {"accommodation": {"due_at": a.due_at + timedelta(days=2)}},
        "own due later, used": {"attempts": [submitted], "accommodation": {"due_at": a.due_at + timedelta(days=2)}},
        "own due earlier": {"accommodation": {"due_at": a.opens_at + timedelta(minutes=1)}},
        "own due within grace": {"accommodation": {"due_at": max(now - GRACE / 2, a.opens_at + timedelta(1))}},
    }
    python = {"can still answer": set(), "before grace ends": set()}
    for name, situation in situations.items():
        student = factories.UserFactory(username=f"edge-{name}")
        factories.EnrollmentFactory(classroom=school.classroom, student=student)
        for number, fields in enumerate(situation.get("attempts", []), start=1):
            factories.AttemptFactory(assignment=a, student=student, number=number, **fields)
        accommodation = None
        if "accommodation" in situation:
            accommodation = factories.AccommodationFactory(assignment=a, student=student, **situation["accommodation"])
        terms = Terms.of(a, accommodation)
        mine = list(Attempt.objects.filter(assignment=a, student=student))
        answering = any(not at.is_submitted and not at.is_expired(now) for at in mine)
        if terms.can_still_answer(now, made=len(mine), answering=answering):
            python["can still answer"].add(student.pk)
        if not terms.is_past_grace(now):
            python["before grace ends"].add(student.pk)
    for student in (school.student, school.classmate):  # no attempt, no accommodation
        if Terms.of(a).can_still_answer(now, made=0, answering=False):
            python["can still answer"].add(student.pk)
        if not Terms.of(a).is_past_grace(now):
            python["before grace ends"].add(student.pk)
    twin = EnrolmentTerms(a, now)
    assert _enrolment_students(a.classroom, twin.can_still_answer()) == python["can still answer"]
    assert _enrolment_students(a.classroom, twin.before_grace_ends()) == python["before grace ends"]


def test_who_is_done_and_who_can_still_answer_is_one_query_however_many_students_and_quizzes(
    school, django_assert_num_queries
):
    from django.utils import timezone

    from quizzes.attempts.terms import after_due_unlocked

    now = timezone.now()
    quizzes = [
        factories.AssignmentFactory(
            classroom=school.classroom,
            feedback=Assignment.Feedback.AFTER_DUE,
            opens_at=now - timedelta(days=3),
            due_at=now - timedelta(days=1),
            allow_late=False,
            review_when_done=n % 2 == 0,
        )
        for n in range(3)
    ]
    with django_assert_num_queries(1):
        assert after_due_unlocked(school.student, quizzes, now) == {q.pk for q in quizzes}
    for _ in range(20):
        factories.EnrollmentFactory(classroom=school.classroom)
    factories.AccommodationFactory(assignment=quizzes[1], student=school.classmate, due_at=now + timedelta(days=1))
    with django_assert_num_queries(1):
        assert after_due_unlocked(school.student, quizzes, now) == {quizzes[0].pk, quizzes[2].pk}
    with django_assert_num_queries(0):
        assert after_due_unlocked(school.student, [], now) == set()
