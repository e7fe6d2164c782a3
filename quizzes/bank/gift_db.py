"""The database side of GIFT: importing a file's questions into the bank as drafts, and exporting questions.

Reading and writing the format itself is quizzes/gift.py; this module decides what an imported question
becomes in the bank:

- every imported question is a draft of the shared bank (owner empty) with an empty key; its GIFT
  ``::title::`` is shown in the report but not kept (keys name the questions of fixtures/bank);
- its topic is the last part of its ``$CATEGORY`` path: a topic whose slug or name matches, otherwise a
  new topic (slug made with slugify); ``topic`` adds one more topic to every question;
- GIFT carries no evidence quotes and a citation needs a verbatim one, so imported questions have no
  citation: ``source`` only names, in the report, the document to quote from before publishing;
- a matching question whose left sides are exactly 1, 2, 3, ... is read back as the ordering question
  our export wrote it from;
- a question is skipped, with the reason, when gift.py skips it (the bank's rules refuse it, such as a number
  with more than 4 decimal places: see quizzes/bank/numbers.py), when it is the same question as one of the bank
  or an earlier one of the file (same type, prompt and answers: rules.question_identity; Moodle files often hold
  a single-answer and a multiple-answer question with one text, and both are imported), or when a part does not
  fit the database (a choice over 500 characters, ...);
- the import is all or nothing (one transaction); a syntax error imports nothing unless ``keep_good``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from quizzes.bank.fixtures import question_to_dict, save_question
from quizzes.bank.gift import GiftItem, GiftSyntaxError, export_gift, parse_gift
from quizzes.bank.rules import folded, question_identity
from quizzes.models import AcceptedAnswer, Choice, MatchingPair, OrderingItem, Question, Source, Topic

MAX_GIFT_BYTES = 1_000_000

# What the database holds at most; longer text would be refused by PostgreSQL.
_TEXT_LIMITS = (
    ("choices", "text", Choice._meta.get_field("text").max_length, "choice text"),
    ("choices", "feedback", Choice._meta.get_field("feedback").max_length, "choice feedback"),
    ("accepted", None, AcceptedAnswer._meta.get_field("text").max_length, "accepted answer"),
    ("items", None, OrderingItem._meta.get_field("text").max_length, "ordering item"),
    ("pairs", 0, MatchingPair._meta.get_field("left").max_length, "left side of a matching pair"),
    ("pairs", 1, MatchingPair._meta.get_field("right").max_length, "right side of a matching pair"),
)


class GiftFileError(ValueError):
    """The upload is not a GIFT text file we can read; the message says what to do."""


def decode_gift(raw: bytes) -> str:
    """The text of an uploaded GIFT file: UTF-8, with or without a byte order mark."""
    if not raw.strip():
        raise GiftFileError("The file is empty.")
    if len(raw) > MAX_GIFT_BYTES:
        raise GiftFileError(f"The file is larger than {MAX_GIFT_BYTES // 1_000_000} MB; split it into smaller files.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GiftFileError("The file is UTF-16 text. Save it as UTF-8 and upload it again.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GiftFileError(
            f"The file is not UTF-8 text (byte {raw[error.start]:#04x} at position {error.start}). "
            "Save it as UTF-8 and upload it again."
        ) from None
    if "\0" in text:
        raise GiftFileError("The file holds NUL bytes, so it is not a text file.")
    return text.removeprefix("\ufeff")


@dataclass
class ImportLine:
    """What became of one question of the file."""

    line: int
    outcome: str  # "imported", "would import" (dry run) or "skipped"
    type: str = ""
    reason: str = ""
    title: str = ""
    prompt: str = ""
    topics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    question_id: int | None = None
    data: dict | None = field(default=None, repr=False)

    @property
    def is_skipped(self) -> bool:
        return self.outcome == "skipped"

    def describe(self) -> str:
        """One line of the report: "line 5: imported (single) ..." or "line 9: skipped: why"."""
        if self.is_skipped:
            return f"line {self.line}: skipped: {self.reason}"
        text = f"line {self.line}: {self.outcome} ({self.type})"
        if self.question_id:
            text += f" as question {self.question_id}"
        if self.topics:
            text += f", topics {', '.join(self.topics)}"
        return text + "".join(f"; note: {note}" for note in self.notes)


@dataclass
class GiftReport:
    """Every question of a GIFT file with its outcome, or the syntax error that stopped the import."""

    lines: list[ImportLine] = field(default_factory=list)
    syntax_error: GiftSyntaxError | None = None
    dry_run: bool = False
    source: Source | None = None
    topic: Topic | None = None
    new_topics: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportLine]:
        return [line for line in self.lines if not line.is_skipped]

    @property
    def skipped(self) -> list[ImportLine]:
        return [line for line in self.lines if line.is_skipped]

    @property
    def question_ids(self) -> list[int]:
        return [line.question_id for line in self.lines if line.question_id]

    @property
    def can_import(self) -> bool:
        return self.syntax_error is None and bool(self.imported)

    def summary(self) -> str:
        if self.syntax_error is not None:
            return (
                f"Syntax error at line {self.syntax_error.line}: {self.syntax_error.message}. Nothing was imported: "
                "fix the file, or keep the good questions to import the rest."
            )
        verb = "would be imported" if self.dry_run else "imported"
        text = f"{len(self.imported)} {verb}, {len(self.skipped)} skipped"
        if self.new_topics:
            text += f"; new topics: {', '.join(self.new_topics)}"
        text += "." + (" Dry run: nothing was written." if self.dry_run else "")
        if self.imported:
            text += " Imported questions are drafts with no citation"
            text += (
                f": add an evidence quote from {self.source.file_name}" if self.source else ": add an evidence quote"
            )
            text += " to each before publishing it."
        return text


def source_named(file_name: str) -> Source:
    """The source document with this file name; LookupError naming the known ones otherwise."""
    source = Source.objects.filter(file_name=file_name.strip()).first()
    if source is None:
        known = ", ".join(Source.objects.values_list("file_name", flat=True)) or "none yet"
        raise LookupError(f"No source document {file_name!r}. Known file names: {known}.")
    return source


def topic_named(slug_or_name: str) -> Topic:
    """The topic with this slug or name (any case); LookupError naming the known ones otherwise."""
    wanted = slug_or_name.strip()
    topic = Topic.objects.filter(slug=wanted).first() or Topic.objects.filter(name__iexact=wanted).first()
    if topic is None:
        known = ", ".join(Topic.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise LookupError(f"No topic {slug_or_name!r}. Known topics: {known}.")
    return topic


# ------------------------------------------------------------------------------------------- import


def gift_import(
    *,
    text: str,
    keep_good: bool = False,
    dry_run: bool = False,
    source: Source | None = None,
    topic: Topic | None = None,
) -> GiftReport:
    """Import a GIFT file's questions into the bank as drafts (see the module docstring); with dry_run,
    only say what would happen."""
    report = GiftReport(dry_run=dry_run, source=source, topic=topic)
    try:
        items = parse_gift(text, keep_good=keep_good)
    except GiftSyntaxError as error:
        report.syntax_error = error
        return report
    topics = _TopicFinder()
    earlier = _bank_identities({folded(item.question["prompt"]) for item in items if item.question})
    for item in items:
        line = _plan(item, topics, topic, earlier)
        if line.data is not None:
            earlier.setdefault(question_identity(line.data), f"at line {item.line}")
        report.lines.append(line)
    report.new_topics = topics.new_names
    if dry_run or not report.imported:
        return report
    with transaction.atomic():
        by_slug = topics.create_new()
        for line in report.imported:
            question = save_question(line.data, sources={}, topics=by_slug)
            line.question_id = question.pk
            line.outcome = "imported"
    return report


def _bank_identities(prompts: set[str]) -> dict[tuple, str]:
    """The identity (rules.question_identity) of each bank question whose prompt is one of these (folded), with the
    name the report gives it; in a fixed number of queries."""
    rows = Question.objects.bank().order_by("id").values_list("pk", "prompt")
    wanted = [pk for pk, prompt in rows if folded(prompt) in prompts]
    found: dict[tuple, str] = {}
    for question in Question.objects.filter(pk__in=wanted).with_answers().prefetch_related("topics").order_by("id"):
        data = question_to_dict(question)
        found.setdefault(question_identity(data), data["key"])
    return found


class _TopicFinder:
    """A $CATEGORY name's topic: one whose slug or name matches, else a new one, made only when importing."""

    def __init__(self) -> None:
        self.known = {t.slug: t for t in Topic.objects.all()}
        self.names = {t.name.casefold(): t.slug for t in self.known.values()}
        self.new: dict[str, str] = {}  # slug -> name

    def slug_for(self, name: str) -> str:
        folded = name.strip().casefold()
        for slug in (folded, slugify(name)):
            if slug in self.known or slug in self.new:
                return slug
        if folded in self.names:
            return self.names[folded]
        base = slugify(name)[:44].strip("-") or "topic"
        slug, number = base, 2
        while slug in self.known or slug in self.new:
            slug, number = f"{base}-{number}", number + 1
        self.new[slug] = name.strip()[: Topic._meta.get_field("name").max_length]
        return slug

    @property
    def new_names(self) -> list[str]:
        return [f"{name} ({slug})" for slug, name in self.new.items()]

    def create_new(self) -> dict[str, Topic]:
        for slug, name in self.new.items():
            self.known[slug] = Topic.objects.create(slug=slug, name=name)
        return self.known


def _plan(item: GiftItem, topics: _TopicFinder, extra_topic: Topic | None, earlier: dict[tuple, str]) -> ImportLine:
    """The ImportLine for one parsed question, with the dict save_question will get when it is imported."""
    if item.status != "imported":
        return ImportLine(item.line, "skipped", reason=item.reason, title=item.title)
    question = dict(item.question)
    line = ImportLine(
        item.line, "would import", title=item.title, prompt=question["prompt"], notes=list(question.get("notes", []))
    )
    _as_ordering(question, line)
    line.type = question["type"]
    problem = _database_problem(question) or _duplicate_problem(question, earlier)
    if problem:
        line.outcome, line.reason = "skipped", problem
        return line
    if question.get("feedback_wrong") or question.get("feedback_right"):
        line.notes.append("true/false feedback dropped: students see the explanation instead")
    if question.get("format") in ("html", "markdown"):
        line.notes.append(f"[{question['format']}] markup is kept as typed and shown to students as plain text")
    slugs = [topics.slug_for(name) for name in question.get("topics") or []]
    if extra_topic is not None and extra_topic.slug not in slugs:
        slugs.append(extra_topic.slug)
    line.topics = slugs
    if question["type"] == "short_text":
        question["accepted"] = list(dict.fromkeys(question["accepted"]))
    line.data = question | {"key": "", "status": Question.Status.DRAFT, "topics": slugs, "citations": []}
    return line


def _as_ordering(question: dict, line: ImportLine) -> None:
    """Matching with left sides 1, 2, 3, ... is how export_gift writes an ordering question: read it back so."""
    pairs = question.get("pairs") or []
    if question["type"] == "matching" and [left for left, _ in pairs] == [str(n) for n in range(1, len(pairs) + 1)]:
        question["type"] = "ordering"
        question["items"] = [right for _, right in pairs]
        del question["pairs"]
        line.notes.append("read as an ordering question (its left sides are 1, 2, 3, ...)")


def _database_problem(question: dict) -> str:
    for part, index, limit, what in _TEXT_LIMITS:
        for value in question.get(part) or []:
            text = str(value if index is None else value[index] if isinstance(value, list) else value.get(index, ""))
            if len(text) > limit:
                return f"{what} is longer than {limit} characters: {text[:40]!r}..."
    return ""


def _duplicate_problem(question: dict, earlier: dict[tuple, str]) -> str:
    same = earlier.get(question_identity(question))
    return f"duplicate: same type, prompt and answers as question {same}" if same else ""


# ------------------------------------------------------------------------------------------- export


EXPORT_STATUSES = ("published", "draft", "all")


def questions_for_export(
    *, source: Source | None = None, topic: Topic | None = None, owner=None, status: str | None = None
) -> QuerySet[Question]:
    """The bank's questions of a status ("published", "draft" or "all"; by default published), or a teacher's own
    questions when `owner` is given (by default all of them), of one source document or topic when given. Drafts
    too, so that questions just imported (drafts) can be written out again."""
    if status is not None and status not in EXPORT_STATUSES:
        raise ValueError(f"Unknown status {status!r}: use one of {', '.join(EXPORT_STATUSES)}.")
    questions = Question.objects.filter(owner=owner) if owner is not None else Question.objects.bank()
    status = status or ("all" if owner is not None else "published")
    if status != "all":
        questions = questions.filter(status=status)
    if source is not None:
        questions = questions.filter(citations__source=source)
    if topic is not None:
        questions = questions.filter(topics=topic)
    return questions.distinct()


def questions_gift(questions: QuerySet[Question]) -> str:
    """GIFT text for these questions, each titled with its key (ValueError when one cannot be written)."""
    rows = questions.with_answers().prefetch_related("topics").order_by("id")
    return export_gift([_titled(question_to_dict(question)) for question in rows])


def _titled(question: dict) -> dict:
    """The key as the GIFT title, which Moodle shows as the question's name (q<id> for a teacher's question)."""
    return question | {"title": question["key"]}
