"""A factory for every model."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from quizzes import models


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"student{n}")
    first_name = factory.Sequence(lambda n: f"Student{n}")
    last_name = "Test"
    is_staff = False
    is_superuser = False
    # Staff and superusers are never students (a constraint on the table): they are administrators unless told.
    role = factory.LazyAttribute(
        lambda user: models.User.Role.ADMIN if user.is_staff or user.is_superuser else models.User.Role.STUDENT
    )
    password = factory.PostGenerationMethodCall("set_password", "october1917")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    role = models.User.Role.TEACHER


class BulkAddedStudentFactory(UserFactory):
    """A student account a teacher made with Add students (the teacher may reset its password)."""

    created_by = factory.SubFactory(TeacherFactory)
    must_change_password = True


class PasswordResetFactory(DjangoModelFactory):
    class Meta:
        model = models.PasswordReset

    account = factory.SubFactory(BulkAddedStudentFactory)
    account_username = factory.LazyAttribute(lambda reset: reset.account.username)
    reset_by = factory.SelfAttribute("account.created_by")
    reset_by_username = factory.LazyAttribute(lambda reset: reset.reset_by.username)
    way = models.PasswordReset.Way.ROSTER


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("file_name",)

    file_name = "000_bbd3b2b247186d94.txt"
    author = "Orlando Figes"
    title = "Lenin and the October Coup"
    kind = "web essay by a historian"
    year = 2014


TEACHER_TEXT = [
    "On the night of 24 October the Military Revolutionary Committee took the bridges, the telegraph and the "
    "railway stations.",
    "Lenin wrote to the Central Committee: \u201cThe situation is utterly critical. Delay is fatal.\u201d",
    "By the morning of 25 October the Provisional Government held only the Winter Palace \u2014 and little else.",
]


class TeacherSourceFactory(DjangoModelFactory):
    """A teacher's own source with its text stored (quizzes.sources.services.source_add), private by default."""

    class Meta:
        model = models.Source
        skip_postgeneration_save = True

    file_name = factory.Sequence(lambda n: f"own-test-{n}")
    owner = factory.SubFactory(TeacherFactory)
    author = "John Reed"
    title = factory.Sequence(lambda n: f"Ten Days That Shook the World, chapter {n}")
    category = models.Source.Category.JOURNALISM
    year = 1919
    visibility = models.Source.Visibility.PRIVATE
    rights_confirmed = True

    @factory.post_generation
    def paragraphs(source, create, extracted, **kwargs):
        from quizzes.sources.services import store_text

        if create:
            store_text(source, TEACHER_TEXT if extracted is None else extracted)
            source.save()


def quoting_question(source, teacher=None, *, prompt: str = "Did the MRC take the telegraph?"):
    """A teacher's own true/false question quoting TEACHER_TEXT in their source, saved as the editor saves it (its
    quote checked against the stored text)."""
    from quizzes.authoring.services import own_question_save

    return own_question_save(
        teacher=teacher or source.owner,
        data={
            "type": "true_false",
            "prompt": prompt,
            "explanation": "Reed says so.",
            "difficulty": 1,
            "points": 1,
            "answer": True,
            "citations": [{"source": source.file_name, "quote": "the telegraph and the railway stations"}],
        },
    )


class SourceParagraphFactory(DjangoModelFactory):
    class Meta:
        model = models.SourceParagraph

    source = factory.SubFactory(TeacherSourceFactory, paragraphs=[])
    position = factory.Sequence(lambda n: n + 1)
    offset = 0
    text = "A paragraph."


class SourceTextFactory(DjangoModelFactory):
    class Meta:
        model = models.SourceText

    source = factory.SubFactory(TeacherSourceFactory, paragraphs=[])
    folded = "A paragraph."
    starts = factory.LazyFunction(lambda: [0])


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    slug = "votes"
    name = "Votes and tallies"


class QuestionFactory(DjangoModelFactory):
    """A published single-choice question by default; use the traits for the other types."""

    class Meta:
        model = models.Question
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"test-question-{n}")
    type = models.Question.Type.SINGLE
    prompt = factory.Sequence(lambda n: f"According to Figes, what did the Central Committee do? ({n})")
    explanation = "The leadership preferred to wait for the Soviet Congress."
    difficulty = 1
    status = models.Question.Status.PUBLISHED
    skill = models.Question.Skill.CLOSE_READING
    points = Decimal(1)

    @factory.post_generation
    def with_parts(obj, create, extracted, **kwargs):
        """Give the question what its type needs, unless with_parts=False."""
        if not create or extracted is False:
            return
        make_parts(obj)

    class Params:
        true_false = factory.Trait(type=models.Question.Type.TRUE_FALSE, answer_bool=False)
        numeric = factory.Trait(type=models.Question.Type.NUMERIC, number=Decimal(10), tolerance=Decimal(0))
        short_text = factory.Trait(type=models.Question.Type.SHORT_TEXT)
        multiple = factory.Trait(type=models.Question.Type.MULTIPLE)
        ordering = factory.Trait(type=models.Question.Type.ORDERING)
        matching = factory.Trait(type=models.Question.Type.MATCHING)


def _choices(question, rows) -> None:
    for n, (text, right) in enumerate(rows):
        ChoiceFactory(question=question, text=text, is_correct=right, position=n)


def _ordering_items(question, texts) -> None:
    for n, text in enumerate(texts):
        OrderingItemFactory(question=question, text=text, position=n)


def _matching_pairs(question, pairs) -> None:
    for n, (left, right) in enumerate(pairs):
        MatchingPairFactory(question=question, left=left, right=right, position=n)


# The parts each question type is made with (true/false and numeric keep their answer on the question: see the
# traits); tests/bank/test_types.py checks every registered type has an entry.
EXAMPLE_PARTS = {
    "single": lambda q: _choices(
        q, [("It ignored them", True), ("It voted to rise", False), ("It expelled him", False)]
    ),
    "multiple": lambda q: _choices(q, [("Zinoviev", True), ("Kamenev", True), ("Trotsky", False), ("Sverdlov", False)]),
    "true_false": lambda q: None,
    "short_text": lambda q: [AcceptedAnswerFactory(question=q, text=t) for t in ("Novaya Zhizn", "Novaia Zhizn")],
    "numeric": lambda q: None,
    "ordering": lambda q: _ordering_items(q, ["Kornilov affair", "10 October meeting", "16 October meeting"]),
    "matching": lambda q: _matching_pairs(
        q, [("Lenin", "called for a rising"), ("Kamenev", "opposed it in print"), ("Trotsky", "chaired the MRC")]
    ),
}


def make_parts(question: models.Question) -> None:
    EXAMPLE_PARTS[question.type](question)
    CitationFactory(question=question)


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = models.Choice

    question = factory.SubFactory(QuestionFactory, with_parts=False)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False
    position = factory.Sequence(lambda n: n)


class AcceptedAnswerFactory(DjangoModelFactory):
    class Meta:
        model = models.AcceptedAnswer

    question = factory.SubFactory(QuestionFactory, short_text=True, with_parts=False)
    text = factory.Sequence(lambda n: f"Answer {n}")


class OrderingItemFactory(DjangoModelFactory):
    class Meta:
        model = models.OrderingItem

    question = factory.SubFactory(QuestionFactory, ordering=True, with_parts=False)
    text = factory.Sequence(lambda n: f"Event {n}")
    position = factory.Sequence(lambda n: n)


class MatchingPairFactory(DjangoModelFactory):
    class Meta:
        model = models.MatchingPair

    question = factory.SubFactory(QuestionFactory, matching=True, with_parts=False)
    left = factory.Sequence(lambda n: f"Person {n}")
    right = factory.Sequence(lambda n: f"Deed {n}")
    position = factory.Sequence(lambda n: n)


class CitationFactory(DjangoModelFactory):
    class Meta:
        model = models.Citation

    question = factory.SubFactory(QuestionFactory, with_parts=False)
    source = factory.SubFactory(SourceFactory)
    quote = "The Central Committee ignored Lenin's instructions."
    position = 0


class ClassroomFactory(DjangoModelFactory):
    class Meta:
        model = models.Classroom

    name = factory.Sequence(lambda n: f"History {n}A")
    teacher = factory.SubFactory(TeacherFactory)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(UserFactory)


class QuizSetFactory(DjangoModelFactory):
    class Meta:
        model = models.QuizSet
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz set {n}")
    description = "Questions on October 1917."

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if create and extracted:
            for n, question in enumerate(extracted, start=1):
                QuizSetItemFactory(quiz_set=obj, question=question, position=n)


class QuizSetItemFactory(DjangoModelFactory):
    class Meta:
        model = models.QuizSetItem

    quiz_set = factory.SubFactory(QuizSetFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Assignment

    quiz_set = factory.SubFactory(QuizSetFactory)
    classroom = factory.SubFactory(ClassroomFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    feedback = models.Assignment.Feedback.EACH_QUESTION
    shuffle_choices = False


class AttemptFactory(DjangoModelFactory):
    class Meta:
        model = models.Attempt

    student = factory.SubFactory(UserFactory)
    assignment = factory.SubFactory(AssignmentFactory)
    number = 1


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = models.Response

    attempt = factory.SubFactory(AttemptFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)


class AccommodationFactory(DjangoModelFactory):
    class Meta:
        model = models.Accommodation

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(UserFactory)


class LiveSessionFactory(DjangoModelFactory):
    """A session in its lobby; its questions are not made (quizzes.live.services.live_session_start makes them from
    the set: use LiveQuestionFactory, or the service, for a session with questions)."""

    class Meta:
        model = models.LiveSession

    classroom = factory.SubFactory(ClassroomFactory)
    teacher = factory.SelfAttribute("classroom.teacher")
    quiz_set = factory.SubFactory(QuizSetFactory)
    title = factory.LazyAttribute(lambda session: session.quiz_set.title)


class LiveQuestionFactory(DjangoModelFactory):
    class Meta:
        model = models.LiveQuestion

    session = factory.SubFactory(LiveSessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    question = factory.SubFactory(QuestionFactory)


class LivePlayerFactory(DjangoModelFactory):
    """A student of the session's class by default; pass user=None and a guest_key for a guest."""

    class Meta:
        model = models.LivePlayer

    session = factory.SubFactory(LiveSessionFactory)
    user = factory.SubFactory(UserFactory)
    nickname = factory.LazyAttributeSequence(
        lambda player, n: player.user.display_name[:30] if player.user else f"Guest {n}"
    )
    guest_key = ""


class LiveAnswerFactory(DjangoModelFactory):
    class Meta:
        model = models.LiveAnswer

    player = factory.SubFactory(LivePlayerFactory)
    session = factory.SelfAttribute("player.session")
    position = 1
    question = factory.SubFactory(QuestionFactory)
    answer = 0  # a choice id the question does not have: wrong
    is_correct = False
    points = Decimal(0)
    answered_at = factory.LazyFunction(timezone.now)
