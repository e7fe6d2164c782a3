"""The question bank: source documents, topics, questions and what each type needs to be graded."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from quizzes.bank.grading import AnswerKey
from quizzes.bank.types import REGISTRY, question_type


class SourceQuerySet(models.QuerySet):
    def shared(self):
        """The shared bank's documents and the sources teachers shared with the site's teachers."""
        return self.filter(visibility=Source.Visibility.SHARED)

    def visible_to(self, user):
        """What a teacher may read and cite: the shared sources and their own (quizzes.permissions.can_see_source)."""
        return self.filter(Q(visibility=Source.Visibility.SHARED) | Q(owner_id=user.pk))

    def with_text(self):
        return self.filter(paragraph_count__gt=0)


class Source(models.Model):
    """A document questions quote: one of the shared bank's (its text is not stored in the project) or one a teacher
    added (its text is stored as paragraphs: quizzes.sources.models)."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only me"
        SHARED = "shared", "Shared with the other teachers of this site"

    class Category(models.TextChoices):
        PRIMARY = "primary", "Primary source"
        SECONDARY = "secondary", "Secondary source (a historian)"
        JOURNALISM = "journalism", "Journalism"
        SPEECH = "speech", "Speech"
        LETTER = "letter", "Letter"
        DIARY = "diary", "Diary or memoir"
        DECREE = "decree", "Decree, law or resolution"
        TEXTBOOK = "textbook", "Textbook"
        OTHER = "other", "Other"

    class Calendar(models.TextChoices):
        OLD_STYLE = "old_style", "Old Style (Julian)"
        NEW_STYLE = "new_style", "New Style (Gregorian)"

    file_name = models.CharField(
        max_length=100, unique=True, help_text="The shared documents' file; a generated name for teachers' sources."
    )
    author = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    kind = models.CharField(
        max_length=100, blank=True, help_text="The kind of document in words, e.g. \u201cnewspaper article\u201d."
    )
    category = models.CharField(
        max_length=20, choices=Category.choices, blank=True, default="", verbose_name="kind of source"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True, help_text="The full date, when it matters; its year is `year`.")
    calendar = models.CharField(
        max_length=10,
        choices=Calendar.choices,
        blank=True,
        default="",
        help_text="Which calendar the date is in (Russia used the Old Style until February 1918).",
    )
    published_in = models.CharField(max_length=300, blank=True, help_text="Where it was published or delivered.")
    standpoint = models.TextField(
        blank=True,
        help_text="Who is speaking, in our words: the author's standpoint and audience, shown with quoted passages.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_sources",
        help_text="The teacher who added it; empty for the shared bank's documents.",
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.SHARED)
    rights_confirmed = models.BooleanField(
        default=False, help_text="The teacher who added it confirmed they may use the text with their classes."
    )
    allow_context = models.BooleanField(
        default=False,
        verbose_name="students may read it in context",
        help_text="Students of its teacher's classes may open the whole text at a quoted passage.",
    )
    upload_name = models.CharField(max_length=255, blank=True, help_text="The file the text was read from, if any.")
    word_count = models.PositiveIntegerField(default=0)
    paragraph_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["file_name"]
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=["private", "shared"]), name="source_visibility_known"),
            models.CheckConstraint(
                condition=Q(calendar__in=["", "old_style", "new_style"]), name="source_calendar_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}, {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The questions citing it show its names: bump them, as editing them would, so that a cache of question
        # content keyed by updated_at (quizzes.attempts.content) sees the change.
        Question.objects.filter(citations__source=self).update(updated_at=timezone.now())

    def natural_key(self):
        return (self.file_name,)

    @property
    def has_text(self) -> bool:
        return self.paragraph_count > 0

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def kind_in_words(self) -> str:
        """The kind as the provenance card shows it: the words given, else the chosen category."""
        return self.kind or (self.get_category_display() if self.category else "")

    @property
    def date_in_words(self) -> str:
        """ "25 October 1917 (Old Style)", "1917", or "" when the date is not known."""
        if self.date:
            shown = f"{self.date.day} {self.date:%B %Y}"
            return f"{shown} ({self.get_calendar_display().split(' (')[0]})" if self.calendar else shown
        return str(self.year) if self.year else ""


class Topic(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The relations a question's parts are kept in; each type uses some (quizzes/bank/types: QuestionType.parts).
PART_RELATIONS = ("choices", "accepted_answers", "ordering_items", "matching_pairs")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)

    def bank(self):
        """The shared bank: questions no teacher owns."""
        return self.filter(owner__isnull=True)

    def usable_by(self, teacher):
        """What a teacher may put in a set: the published bank and their own questions."""
        return self.filter(Q(owner__isnull=True, status=Question.Status.PUBLISHED) | Q(owner=teacher))

    def with_answers(self):
        """Everything grading and display need, in a fixed number of queries."""
        return self.prefetch_related(
            "choices", "accepted_answers", "ordering_items", "matching_pairs", "citations__source"
        )


# Question.Type: the stored value and label of each type, made from the registry (quizzes/bank/types/), so that a
# new type is written in one place. (Outside Question so that its Meta's constraint can name the values.)
QuestionTypeChoices = models.TextChoices(
    "QuestionTypeChoices", [(kind.value.upper(), (kind.value, kind.label)) for kind in REGISTRY.values()]
)


class Question(models.Model):
    Type = QuestionTypeChoices

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Skill(models.TextChoices):
        CLOSE_READING = "close_reading", "Close reading"
        SOURCING = "sourcing", "Sourcing"
        CORROBORATION = "corroboration", "Corroboration"
        CONTEXTUALISATION = "contextualisation", "Contextualisation"
        CHRONOLOGY = "chronology", "Chronology"

    class Difficulty(models.IntegerChoices):
        RECALL = 1, "1 recall"
        CONNECT = 2, "2 connect"
        INTERPRET = 3, "3 interpret"

    key = models.SlugField(
        max_length=100, blank=True, default="", help_text="Stable name of a bank question in fixtures/bank."
    )
    type = models.CharField(max_length=12, choices=Type.choices)
    prompt = models.TextField()
    explanation = models.TextField(blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, default=Difficulty.CONNECT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    skill = models.CharField(
        max_length=20,
        choices=Skill.choices,
        blank=True,
        default="",
        help_text="The historical thinking skill the question practises.",
    )
    points = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions")
    answer_bool = models.BooleanField(null=True, blank=True, help_text="True/false questions: the right answer.")
    number = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Numeric questions: the right answer."
    )
    tolerance = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_questions",
        help_text="The teacher who wrote it; empty for the shared bank.",
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The bank question a teacher duplicated to make this one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="question_key_unique"),
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=3), name="question_difficulty_1_3"),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="question_tolerance_not_negative"),
            models.CheckConstraint(condition=Q(points__gt=0), name="question_points_positive"),
            models.CheckConstraint(
                condition=Q(type__in=QuestionTypeChoices.values),
                name="question_type_known",
            ),
            models.CheckConstraint(
                condition=Q(
                    skill__in=["", "close_reading", "sourcing", "corroboration", "contextualisation", "chronology"]
                ),
                name="question_skill_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key or self.pk}: {self.prompt[:60]}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def first_citation(self):
        citations = list(self.citations.all())
        return citations[0] if citations else None

    def parts(self, relation: str) -> list:
        """The rows of one of the question's part relations, or none when its type has no use for them (so a
        question loaded with its content (quizzes.attempts.content) never queries for parts it does not have)."""
        if relation not in question_type(self.type).parts:
            return []
        return list(getattr(self, relation).all())

    def answer_key(self) -> AnswerKey:
        """The facts grading needs, read from prefetched relations (see with_answers and quizzes.attempts.content)."""
        choices = self.parts("choices")
        return AnswerKey(
            type=self.type,
            points=self.points,
            choice_ids=tuple(c.id for c in choices),
            correct_choice_ids=frozenset(c.id for c in choices if c.is_correct),
            answer_bool=self.answer_bool,
            accepted=tuple(a.text for a in self.parts("accepted_answers")),
            number=self.number,
            tolerance=self.tolerance,
            item_ids=tuple(i.id for i in self.parts("ordering_items")),
            pair_ids=tuple(p.id for p in self.parts("matching_pairs")),
        )

    def correct_answer_text(self) -> str:
        """The right answer as plain text, as the export and the results page show it."""
        return question_type(self.type).correct_answer_text(self)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    feedback = models.CharField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class AcceptedAnswer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="accepted_answers")
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["question", "text"], name="accepted_answer_unique")]

    def __str__(self) -> str:
        return self.text


class OrderingItem(models.Model):
    """One item of an ordering question; position is its place in the correct order."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ordering_items")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class MatchingPair(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="matching_pairs")
    left = models.CharField(max_length=300)
    right = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.left} = {self.right}"


class Citation(models.Model):
    """A verbatim evidence quote from a source document that supports a question's answer."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="Copied exactly from the document, at most 30 words.")
    position = models.PositiveSmallIntegerField(default=0)
    # Where the quote stands in a source whose text is stored (quizzes.sources.services.citations_anchor): its
    # first and last paragraphs (1-based) and its offsets in the source's folded text; empty otherwise.
    paragraph = models.PositiveIntegerField(null=True, blank=True, editable=False)
    paragraph_last = models.PositiveIntegerField(null=True, blank=True, editable=False)
    start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    end = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["source", "start"], name="citation_source_start")]

    def __str__(self) -> str:
        return f"{self.source.author}: {self.quote[:50]}"
