"""Who may see or do what: the whole policy of October Quiz, in one file, for views, services and tests alike.

The rules
---------
Accounts
- Everyone but the login and signup pages must log in (``login_required``); anonymous visitors go to the login page.
- Teachers' pages are for teachers only (`teacher_required`, `is_teacher`); anyone else gets a 403 that says so.
  Students' own pages that make no sense for a teacher (their history) are for students only (`student_required`).
- Only student accounts join classes (`can_join_classes`), never staff or superusers (who never have the student
  role: a constraint on the user table says so, and `createsuperuser` makes administrators). Staff manage
  everything in Django admin, not here.

What a teacher sees: their own, and nothing else. Another teacher's class, assignment, attempt, quiz set or question
does not exist for them (a 404, never a 403, so that ids reveal nothing). The owner-scoped lookups apply each rule in
the query, and each has the predicate that states it for one object:
- classes they teach: `teacher_classroom` / `teaches`;
- assignments of those classes: `teacher_assignment` / `teaches` on the assignment's class;
- attempts at those assignments: `taught_attempt` / `can_review_attempt`;
- quiz sets they own (the shared sets, with no owner, are edited in admin only): `teacher_quiz_set` /
  `can_edit_quiz_set`;
- questions they wrote (bank questions are edited in admin only): `teacher_question` / `can_edit_question`.

What a teacher may use
- In a set: the published shared bank and their own questions, drafts included (`can_use_question`; the same
  rule as a query: ``Question.objects.usable_by``). Other teachers' questions do not exist for them
  (`can_see_question`).
- To assign: their own sets and the shared ones (`can_assign_quiz_set`, `assignable_quiz_set`), to their own
  classes that are not archived (`can_assign_to`, `assignable_classrooms`).
- For a student: accommodations only for a current student of the assignment's class (`is_current_student`).
- A new one-time password only for a student on the class's roster (`is_current_student`) whose account the teacher
  made (Add students) and who was never in another teacher's class (`can_reset_password`; the same rule as a query:
  ``User.objects.resettable_by``), so that no teacher can take over an account whose work is not all theirs to
  see; never for staff or superusers. Everyone else's password is reset by an admin, in Django admin. Every reset
  is recorded (``PasswordReset``).
- An archived class takes no new students (`can_add_students`).

Sources (quizzes/sources)
- A teacher reads and cites the shared sources (the shared bank's documents, with provenance and quoted passages
  only, and the sources teachers shared with the site's teachers) and their own private ones (`can_see_source`,
  `teacher_source`; the same rule as a query: ``Source.objects.visible_to``). Another teacher's private source,
  and the questions that cite it, do not exist for them (404).
- Only the teacher who added a source changes its provenance or text or deletes it (`can_edit_source`,
  `owned_source`); the shared bank's documents are edited in Django admin.
- A student sees the passages quoted by the questions they answer, in the feedback; the whole text of a source
  only at a passage quoted in a question whose feedback they may see, only when the source's teacher allows it
  (``Source.allow_context``), and only in an attempt at an assignment of a class that teacher teaches and the
  student is in now (`can_read_in_context`).

What a student sees and does
- They take the assignments of the classes they are currently in, while the class is not archived
  (`can_take_assignment`). Their dashboard lists those assignments unless a teacher closed them (the same rule,
  in the hand-written SQL of `quizzes.attempts.queries.dashboard`: ASSIGNMENT_FOR_STUDENT, the twin of
  ``Assignment.objects.for_student``).
- Their own attempts and no one else's (`can_view_attempt`): every quiz request looks the attempt up with
  `quizzes.attempts.selectors.student_attempt` (and `student_attempt_and_positions`), whose hand-written SQL
  (`quizzes.attempts.queries.ATTEMPT_AND_POSITIONS`) applies this rule because it runs for every answer; anyone
  else's attempt is a 404.
  (tests/test_permissions.py checks that every lookup, and this SQL, finds exactly what its predicate allows.)
- They answer and submit an attempt under way only while they may take its assignment (`can_take_assignment`): a
  student removed from the class, or whose class is archived, gets a 403 that says why, keeps what they saved
  (their teacher sees it; it counts again if they come back) and cannot submit it; time running out and the
  teacher closing the quiz still end it. The answer's guarded UPDATE and the submit's lock apply this in SQL
  (`quizzes.attempts.queries.ATTEMPT_STUDENT_IN_CLASS`, the twin of ``Attempt.objects.student_in_class``).
- Once an attempt is submitted, its review (score, which answers were right) follows the assignment's feedback
  setting (`review_visible`), and the right answers show only when the assignment also says so
  (`correct_answers_visible`). Feedback after each question is a setting of the assignment
  (``Assignment.feedback_after_each_question``), not a permission. Feedback after the due date unlocks only once
  the student can no longer score (past their own due date and the grace period, no attempt open, none left to
  start) and no one in the class still can (a later personal due date, an attempt open, late work with attempts
  left), unless the teacher lets students who are done see it at once (``Assignment.review_when_done``): the rule
  is `quizzes.attempts.terms.after_due_unlocked`, and every page that shows a student's score or answers asks it
  through `review_visible`.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from quizzes.models import Assignment, Attempt, Citation, Classroom, Enrollment, Question, QuizSet, Response, Source

# -- Accounts ------------------------------------------------------------------------------------------------------


def is_teacher(user) -> bool:
    return user.is_authenticated and user.is_teacher


def is_student(user) -> bool:
    return user.is_authenticated and user.is_student


def is_admin_account(user) -> bool:
    """Staff and superusers: their passwords are changed in Django admin only, and they join no class."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def can_join_classes(user) -> bool:
    return is_student(user) and not is_admin_account(user)


def password_reset_refusal(user, student) -> str | None:
    """Why `user` may not give `student` a new one-time password from a roster, or None if they may: `student` is a
    student account (never staff or a superuser) that `user` made with Add students and that was never in another
    teacher's class. ``User.objects.resettable_by`` is the same rule as a query."""
    name = student.display_name
    if is_admin_account(student):
        return f"{name} has an admin account: its password is changed in the admin site only."
    if not is_student(student):
        return "Only a student's password can be reset here."
    if not is_teacher(user) or student.created_by_id != user.pk:
        return (
            f"You did not make {name}'s account (they signed up with a join code, or someone else made it), "
            "so only an admin can give them a new password. Ask your school's admin."
        )
    if Enrollment.objects.filter(student_id=student.pk).exclude(classroom__teacher_id=user.pk).exists():
        return (
            f"{name} is also in another teacher's class, so only an admin can give them a new password. "
            "Ask your school's admin."
        )
    return None


def can_reset_password(user, student) -> bool:
    return password_reset_refusal(user, student) is None


def _only_for(allowed, message: str):
    """A view decorator: log in first, then a 403 with `message` for anyone `allowed` refuses."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Teachers only (staff use Django admin); students get a 403 with a clear message.
teacher_required = _only_for(is_teacher, "This page is for teachers.")
# Students only: a teacher gets a 403 saying where their version of the page is.
student_required = _only_for(is_student, "This page is for students: teachers see their classes' gradebooks.")


# -- Classes and their students -------------------------------------------------------------------------------------


def teaches(user, classroom: Classroom) -> bool:
    return user.is_authenticated and classroom.teacher_id == user.pk


def teacher_classroom(user, pk: int) -> Classroom:
    """The teacher's own class, or 404: other teachers' classes do not exist for them (`teaches`)."""
    return get_object_or_404(Classroom, pk=pk, teacher_id=user.pk)


def is_current_student(user, classroom: Classroom | int) -> bool:
    """On the class's roster now (not one who left)."""
    classroom_id = classroom if isinstance(classroom, int) else classroom.pk
    return (
        user.is_authenticated
        and Enrollment.objects.current().filter(classroom_id=classroom_id, student_id=user.pk).exists()
    )


def can_add_students(classroom: Classroom) -> bool:
    """An archived class takes no new students."""
    return classroom.archived_at is None


# -- Quiz sets and questions --------------------------------------------------------------------------------------


def can_edit_quiz_set(user, quiz_set: QuizSet) -> bool:
    """Teachers edit their own sets; the shared sets (no owner) only in admin."""
    return user.is_authenticated and quiz_set.owner_id == user.pk


def teacher_quiz_set(user, pk: int) -> QuizSet:
    """The teacher's own set, or 404: other teachers' sets (and the shared ones) do not exist for them
    (`can_edit_quiz_set`, in the query)."""
    return get_object_or_404(QuizSet.objects.prefetch_related("rule_topics", "rule_sources"), pk=pk, owner_id=user.pk)


def can_edit_question(user, question: Question) -> bool:
    """Teachers edit only the questions they wrote; bank questions are edited by admins."""
    return user.is_authenticated and question.owner_id is not None and question.owner_id == user.pk


def teacher_question(user, pk: int) -> Question:
    """The teacher's own question with its answers and topics, or 404: bank questions and other teachers' are not
    theirs to edit (`can_edit_question`, in the query)."""
    return get_object_or_404(Question.objects.with_answers().prefetch_related("topics"), pk=pk, owner_id=user.pk)


def can_see_question(user, question: Question) -> bool:
    """The shared bank and the teacher's own questions; other teachers' questions do not exist for them."""
    return question.owner_id is None or question.owner_id == user.pk


def can_use_question(user, question: Question) -> bool:
    """What a teacher may put in a set: the published bank and their own questions (``Question.objects.usable_by``
    is the same rule as a query)."""
    if question.owner_id is None:
        return question.status == Question.Status.PUBLISHED
    return question.owner_id == user.pk


# -- Assignments ----------------------------------------------------------------------------------------------------


def can_assign_quiz_set(user, quiz_set: QuizSet) -> bool:
    """Teachers assign their own sets and the shared ones."""
    return quiz_set.owner_id is None or quiz_set.owner_id == user.pk


def assignable_quiz_set(user, pk: int) -> QuizSet:
    """A set the teacher may assign, or 404 (`can_assign_quiz_set`, in the query)."""
    return get_object_or_404(QuizSet.objects.filter(Q(owner_id=user.pk) | Q(owner__isnull=True)), pk=pk)


def can_assign_to(user, classroom: Classroom) -> bool:
    """Teachers assign quizzes to their own classes, and not to archived ones."""
    return teaches(user, classroom) and classroom.archived_at is None


def assignable_classrooms(user) -> QuerySet[Classroom]:
    """`can_assign_to` as a query: the classes to offer when assigning a set."""
    return Classroom.objects.filter(teacher_id=user.pk, archived_at__isnull=True).order_by("name", "pk")


def teacher_assignment(user, pk: int) -> Assignment:
    """An assignment of the teacher's own class, or 404 (`teaches` the assignment's class, in the query)."""
    return get_object_or_404(Assignment.objects.select_related("classroom", "quiz_set"), pk=pk, classroom__teacher=user)


def can_take_assignment(user, assignment: Assignment) -> bool:
    """A current student of a class that is not archived; whether the assignment is open is its terms' business.
    Starting an attempt applies this rule in SQL: `quizzes.attempts.queries.START_FACTS` (ASSIGNMENT_FOR_STUDENT)."""
    return assignment.classroom.archived_at is None and is_current_student(user, assignment.classroom_id)


# -- Attempts ------------------------------------------------------------------------------------------------------


def can_view_attempt(user, attempt: Attempt) -> bool:
    """A student's own attempt. The quiz loop applies this rule in SQL: `quizzes.attempts.selectors.student_attempt`."""
    return user.is_authenticated and attempt.student_id == user.pk


def can_review_attempt(user, attempt: Attempt) -> bool:
    """A teacher sees the attempts at their own classes' assignments."""
    return teaches(user, attempt.assignment.classroom)


def taught_attempt(user, pk: int) -> Attempt:
    """An attempt at an assignment of the teacher's own class, or 404: other teachers' attempts do not exist
    (`can_review_attempt`, in the query)."""
    return get_object_or_404(
        Attempt.objects.select_related("assignment__classroom", "assignment__quiz_set", "student"),
        pk=pk,
        assignment__classroom__teacher=user,
    )


def review_visible(attempt: Attempt, now=None, *, after_due_unlocked: bool | None = None) -> bool:
    """Whether the student may see their score and which answers were right, once the attempt is submitted.

    Feedback after the due date waits until the student can no longer score and, unless the teacher allows it
    sooner, until no one in the class can (quizzes.attempts.terms.after_due_unlocked: one query, through
    Assignment.after_due_unlocked_for). Pages that show many attempts decide it for all their assignments at once
    and pass the answer as `after_due_unlocked`."""
    if not attempt.is_submitted:
        return False
    feedback = attempt.assignment.feedback
    if feedback in (Assignment.Feedback.EACH_QUESTION, Assignment.Feedback.AFTER_SUBMISSION):
        return True
    if feedback == Assignment.Feedback.AFTER_DUE:
        if after_due_unlocked is None:
            after_due_unlocked = attempt.assignment.after_due_unlocked_for(attempt.student_id, now)
        return after_due_unlocked
    return False


def correct_answers_visible(attempt: Attempt, now=None, *, after_due_unlocked: bool | None = None) -> bool:
    """The right answers in review: when the review is visible and the assignment shows them."""
    return (
        review_visible(attempt, now, after_due_unlocked=after_due_unlocked) and attempt.assignment.show_correct_answers
    )


# -- Sources -------------------------------------------------------------------------------------------------------


def can_see_source(user, source: Source) -> bool:
    """Teachers read and cite the shared sources and their own (``Source.objects.visible_to`` as a query)."""
    return is_teacher(user) and (source.visibility == Source.Visibility.SHARED or source.owner_id == user.pk)


def teacher_source(user, pk: int) -> Source:
    """A source the teacher may read and cite, or 404 (`can_see_source`, in the query)."""
    return get_object_or_404(Source.objects.visible_to(user), pk=pk)


def can_edit_source(user, source: Source) -> bool:
    """The teacher who added it; the shared bank's documents (no owner) are edited in admin only."""
    return is_teacher(user) and source.owner_id is not None and source.owner_id == user.pk


def owned_source(user, pk: int) -> Source:
    """The teacher's own source, or 404 (`can_edit_source`, in the query)."""
    return get_object_or_404(Source, pk=pk, owner_id=user.pk)


def can_read_in_context(user, citation: Citation, attempt: Attempt | None) -> bool:
    """Whether a student may open the citation's whole source at the quoted passage, from their attempt: the source
    allows it and its text holds the quote; the attempt is theirs, at an assignment of a class the source's teacher
    teaches and they are in now; and they may see the feedback that shows the passage (after each question once
    answered, or the right answers in review). Queries only when the source allows it."""
    source = citation.source
    if not (source.allow_context and source.has_text and source.owner_id and citation.paragraph):
        return False
    if attempt is None or not is_student(user) or attempt.student_id != user.pk:
        return False
    classroom = Classroom.objects.filter(pk=attempt.assignment.classroom_id).values_list("teacher_id", flat=True)
    if classroom.first() != source.owner_id or not is_current_student(user, attempt.assignment.classroom_id):
        return False
    answered = Response.objects.filter(
        attempt_id=attempt.pk, question_id=citation.question_id, answered_at__isnull=False
    ).exists()
    if attempt.assignment.feedback_after_each_question and answered:
        return attempt.assignment.show_correct_answers
    return answered_or_reviewed(attempt, citation)


def answered_or_reviewed(attempt: Attempt, citation: Citation) -> bool:
    """The passage shows in the attempt's review: the question is in the attempt and its right answers show."""
    in_attempt = Response.objects.filter(attempt_id=attempt.pk, question_id=citation.question_id).exists()
    return in_attempt and correct_answers_visible(attempt)
