"""Forms of the quiz-set builder: a new set, filtering the bank, a random set's rule and a teacher's own question.

A teacher's own question is typed in plain text boxes, one part a line, so that it works without JavaScript:
- choices: one a line, a leading "*" marks a right one ("* Kamenev");
- accepted answers (short text): one a line;
- ordering items: one a line, in the right order, earliest first;
- matching pairs: "left = right", one a line.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from quizzes.authoring.draw import Rule
from quizzes.authoring.selectors import BankFilter
from quizzes.authoring.services import MAX_RULE_COUNT
from quizzes.bank.numbers import QUESTION_NUMBER, NumberError, NumberOutOfRange, read_number
from quizzes.bank.types import REGISTRY, question_type
from quizzes.models import Question, QuizSet, Source, Topic

MAX_SEARCH_LENGTH = 100
MAX_LINES = 20

DIFFICULTY_CHOICES = [(1, "1 recall"), (2, "2 connect"), (3, "3 interpret")]


class ManyChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no table could hold before asking the database (an "__in" lookup with one overflows)."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or len(str(pk)) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, source: Source) -> str:
        return f"{source.author}, {source.title}"

    def to_python(self, value):
        # An id no table could hold is "not one of the choices", never an overflow in the database.
        if value not in self.empty_values and (not str(value).isdigit() or len(str(value)) > 18):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SourceMultipleChoiceField(ManyChoiceField):
    def label_from_instance(self, source: Source) -> str:
        return source.author


class QuizSetForm(forms.Form):
    title = forms.CharField(max_length=QuizSet._meta.get_field("title").max_length, label="Title")
    description = forms.CharField(
        required=False,
        max_length=2000,
        label="Description",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what the set covers, for you and your students.",
    )
    kind = forms.ChoiceField(
        choices=QuizSet.Kind.choices,
        initial=QuizSet.Kind.FIXED,
        widget=forms.RadioSelect,
        label="Questions",
        help_text="A fixed list: you choose the questions and their order. Random: each attempt draws its own "
        "questions from the bank by a rule you set (topics, sources, types, difficulty).",
    )


class BankFilterForm(forms.Form):
    """The builder's search box and filters; every field is optional and bad values are simply ignored."""

    q = forms.CharField(required=False, max_length=MAX_SEARCH_LENGTH, label="Words in the question or explanation")
    source = SourceChoiceField(queryset=Source.objects.none(), required=False, empty_label="Any")
    topic = forms.ModelChoiceField(queryset=Topic.objects.order_by("name"), required=False, empty_label="Any")
    type = forms.ChoiceField(choices=[("", "Any"), *Question.Type.choices], required=False, label="Question type")
    difficulty = forms.TypedChoiceField(
        choices=[("", "Any"), *DIFFICULTY_CHOICES], coerce=int, empty_value=None, required=False
    )
    skill = forms.ChoiceField(choices=[("", "Any"), *Question.Skill.choices], required=False, label="Skill")
    whose = forms.ChoiceField(
        choices=[("all", "The bank and mine"), ("bank", "The shared bank"), ("mine", "Mine")],
        required=False,
        label="Whose questions",
    )

    KEYS = ("q", "source", "topic", "type", "difficulty", "skill", "whose")

    def __init__(self, *args, teacher=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The sources the teacher may use: the shared ones and their own (quizzes.permissions.can_see_source).
        sources = Source.objects.visible_to(teacher) if teacher is not None else Source.objects.shared()
        self.fields["source"].queryset = sources.order_by("owner_id", "author", "title")
        # The builder refreshes the results when one of these changes (hx-trigger "change from:.bank-filter");
        # the search box has its own trigger, so that leaving it (to click Add, say) does not refresh them.
        for name in self.KEYS[1:]:
            self.fields[name].widget.attrs["class"] = "bank-filter"
        self.fields["q"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def bank_filter(self) -> BankFilter:
        """The filter from the valid fields; a field with a bad value is left out rather than refused."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.KEYS if name not in self.errors}
        return BankFilter(
            text=" ".join((data.get("q") or "").split()),
            source_id=data["source"].pk if data.get("source") else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
            type=data.get("type") or "",
            difficulty=data.get("difficulty"),
            skill=data.get("skill") or "",
            whose=data.get("whose") or "all",
        )


def builder_query(data: QueryDict | str) -> str:
    """The builder's filters and page as a query string, keeping only the keys it knows: it is sent back with
    each add/remove/move form so that, without JavaScript, the teacher returns to the same results."""
    if isinstance(data, str):
        data = QueryDict(data[:1000])
    kept = [
        (key, value[:MAX_SEARCH_LENGTH])
        for key in (*BankFilterForm.KEYS, "page")
        for value in data.getlist(key)[:1]
        if value
    ]
    return urlencode(kept)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class AddQuestionForm(forms.Form):
    question = forms.IntegerField(min_value=1)


class RuleForm(forms.Form):
    """A random set's rule; make it with `for_set`, which also gives `rule()` the set's saved rule to fall back on."""

    count = forms.IntegerField(min_value=1, max_value=MAX_RULE_COUNT, label="Questions in each attempt", initial=10)
    topics = ManyChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of these; none ticked means every topic.",
    )
    # Random sets draw from the shared bank, whose questions cite shared sources only.
    sources = SourceMultipleChoiceField(
        queryset=Source.objects.shared().order_by("file_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Source documents",
        help_text="Any of these; none ticked means every document.",
    )
    types = forms.MultipleChoiceField(
        choices=Question.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Question types",
        help_text="None ticked means every type.",
    )
    difficulty_min = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=1, label="Difficulty from")
    difficulty_max = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=3, label="to")

    @classmethod
    def for_set(cls, quiz_set: QuizSet, data=None) -> RuleForm:
        initial = {
            "count": quiz_set.rule_count,
            "topics": list(quiz_set.rule_topics.all()),
            "sources": list(quiz_set.rule_sources.all()),
            "types": list(quiz_set.rule_types or []),
            "difficulty_min": quiz_set.rule_difficulty_min,
            "difficulty_max": quiz_set.rule_difficulty_max,
        }
        form = cls(data, initial=initial)
        form.quiz_set = quiz_set
        return form

    def rule(self) -> Rule:
        """The rule the form holds when it is bound and valid, the set's saved one otherwise."""
        if not self.is_bound or not self.is_valid():
            return Rule.of(self.quiz_set)
        cleaned = self.cleaned_data
        return Rule(
            count=cleaned["count"],
            topic_ids=frozenset(t.pk for t in cleaned["topics"]),
            source_ids=frozenset(s.pk for s in cleaned["sources"]),
            types=tuple(cleaned["types"]),
            difficulty_min=cleaned["difficulty_min"],
            difficulty_max=cleaned["difficulty_max"],
        )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("difficulty_min"), cleaned.get("difficulty_max")
        if low and high and low > high:
            self.add_error("difficulty_max", "The highest difficulty cannot be below the lowest.")
        return cleaned


# -- The preview ---------------------------------------------------------------------------------------------


class ClampedIntegerField(forms.Field):
    """A whole number from a link, brought into [low, high] rather than refused; None when it is not a number, so
    that any link to a page shows the page."""

    def __init__(self, *, low: int, high: int | None = None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.low, self.high = low, high

    def to_python(self, value) -> int | None:
        try:
            number = max(int(str(value)[:10]), self.low)
        except (TypeError, ValueError):
            return None
        return number if self.high is None else min(number, self.high)


class PreviewForm(forms.Form):
    """The preview's query string: ?seed= (which sample draw), ?view=one with ?q= (which question), ?answers=hide."""

    MAX_SEED = 10**9

    seed = ClampedIntegerField(low=0, high=MAX_SEED)
    q = ClampedIntegerField(low=1)
    view = forms.CharField(required=False)
    answers = forms.CharField(required=False)

    @classmethod
    def of(cls, query: QueryDict, *, default_seed: int) -> PreviewForm:
        form = cls(query)
        form.default_seed = default_seed
        form.is_valid()  # every field takes anything: nonsense only falls back to the defaults
        return form

    @property
    def chosen_seed(self) -> int:
        seed = self.cleaned_data.get("seed")
        return self.default_seed if seed is None else seed

    def position(self, question_count: int) -> int:
        """The question to show one at a time: the one asked for, kept within the set."""
        return min(self.cleaned_data.get("q") or 1, max(1, question_count))

    @property
    def one_at_a_time(self) -> bool:
        return self.cleaned_data.get("view") == "one"

    @property
    def show_answers(self) -> bool:
        return self.cleaned_data.get("answers") != "hide"


# -- A teacher's own question -------------------------------------------------------------------------------


class QuestionTypeForm(forms.Form):
    type = forms.ChoiceField(
        choices=[(value, question_type(value).description) for value in Question.Type.values],
        widget=forms.RadioSelect,
        label="What kind of question?",
    )


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in str(text or "").splitlines() if line.strip()]


def _lines_field(label: str, help_text: str, rows: int = 6) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=label,
        help_text=help_text,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "true"}),
    )


class OwnQuestionForm(forms.Form):
    """The common fields, and the parts of one question type; question_dict() gives the bank's dict form,
    which quizzes.bank.rules then checks exactly as check_bank does."""

    prompt = forms.CharField(label="Question", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(
        label="Explanation",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to students after they answer: why the answer is right.",
    )
    difficulty = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=2, label="Difficulty")
    skill = forms.ChoiceField(
        choices=[("", "Not set"), *Question.Skill.choices],
        required=False,
        label="Skill",
        help_text="The historical thinking skill it practises; your results show how the class did in each.",
    )
    points = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal(100), decimal_places=2, initial=Decimal(1), label="Points"
    )
    topics = ManyChoiceField(
        queryset=Topic.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # The parts; __init__ keeps only those of the question's type.
    choices = _lines_field(
        "Choices",
        "One choice a line. Start a right answer with * (for example \u201c* Kamenev\u201d).",
    )
    answer = forms.TypedChoiceField(
        choices=[("true", "True"), ("false", "False")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        label="The statement is",
        required=False,
    )
    accepted = _lines_field(
        "Accepted answers",
        "One a line. Case, spacing, punctuation and accents are ignored when answers are compared.",
        rows=4,
    )
    number = forms.CharField(required=False, max_length=30, label="The right number")
    tolerance = forms.CharField(
        required=False, max_length=30, initial="0", label="Tolerance", help_text="Answers this far either side count."
    )
    items = _lines_field("Items in order", "One a line, in the right order, earliest first: 3 to 6 items.")
    pairs = _lines_field(
        "Pairs", "One pair a line, the two sides separated by =, for example \u201cTrotsky = chaired the MRC\u201d."
    )
    citation_source = SourceChoiceField(
        queryset=Source.objects.order_by("file_name"),
        required=False,
        empty_label="No source",
        label="Evidence: source document",
        help_text="Optional: the document your evidence quote comes from (the shared bank's, or one in your library).",
    )
    citation_quote = forms.CharField(
        required=False,
        max_length=2000,
        label="Evidence: quote",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copied exactly from the document, at most 30 words. A quote from a source in the library is checked "
        "against its text when you save.",
    )

    def __init__(self, *args, question_type: str, teacher=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_type = question_type
        # The sources the teacher may cite: the shared ones and their own (quizzes.permissions.can_see_source).
        sources = Source.objects.visible_to(teacher) if teacher is not None else Source.objects.shared()
        self.fields["citation_source"].queryset = sources.order_by("owner_id", "author", "title")
        # Each type's answer fields are its form_parts (quizzes/bank/types/); the others go.
        parts = {name for kind in REGISTRY.values() for name in kind.form_parts}
        for name in parts - set(REGISTRY[question_type].form_parts):
            del self.fields[name]

    @property
    def type_label(self) -> str:
        return Question.Type(self.question_type).label

    @property
    def part_fields(self) -> list:
        return [self[name] for name in REGISTRY[self.question_type].form_parts]

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        """The form's initial values from a question's dict form (quizzes.bank.fixtures.question_to_dict)."""
        citation = (data.get("citations") or [{}])[0]
        initial = {
            "prompt": data.get("prompt", ""),
            "explanation": data.get("explanation", ""),
            "difficulty": data.get("difficulty", 2),
            "skill": data.get("skill") or "",
            "points": Decimal(str(data.get("points", 1))).normalize(),
            "topics": list(Topic.objects.filter(slug__in=data.get("topics") or [])),
            "choices": "\n".join(
                f"* {c['text']}" if c.get("correct") else c["text"] for c in data.get("choices") or []
            ),
            "answer": {True: "true", False: "false"}.get(data.get("answer"), ""),
            "accepted": "\n".join(str(a) for a in data.get("accepted") or []),
            "number": "" if data.get("number") is None else f"{Decimal(str(data['number'])).normalize():f}",
            "tolerance": f"{Decimal(str(data.get('tolerance') or 0)).normalize():f}",
            "items": "\n".join(str(i) for i in data.get("items") or []),
            "pairs": "\n".join(f"{left} = {right}" for left, right in data.get("pairs") or []),
            "citation_source": Source.objects.filter(file_name=citation.get("source")).first(),
            "citation_quote": citation.get("quote", ""),
        }
        return initial

    # The longest text each part may hold (the database's limits), so a long line gets a message, not an error.
    PART_LIMITS = {"choices": 500, "accepted": 200, "items": 300, "pairs": 300}

    def clean(self):
        cleaned = super().clean()
        for name, limit in self.PART_LIMITS.items():
            if name not in self.fields:
                continue
            lines = _lines(cleaned.get(name))
            if len(lines) > MAX_LINES:
                self.add_error(name, f"At most {MAX_LINES} lines.")
            too_long = next((n for n, line in enumerate(lines, start=1) if len(line) > limit), None)
            if too_long:
                self.add_error(name, f"Line {too_long} is longer than {limit} characters.")
        for name in ("number", "tolerance"):
            if name not in self.fields:
                continue
            try:
                read_number(cleaned.get(name), QUESTION_NUMBER)
            except NumberOutOfRange as error:
                self.add_error(name, str(error))
            except NumberError:
                pass  # not a number at all: the bank's rules say so, as for every question
        return cleaned

    def question_dict(self) -> dict:
        """The question in the bank's dict form (see quizzes/question_rules.py), from a valid form."""
        cleaned = self.cleaned_data
        data: dict = {
            "type": self.question_type,
            "prompt": cleaned["prompt"].strip(),
            "explanation": cleaned.get("explanation", "").strip(),
            "difficulty": cleaned["difficulty"],
            "skill": cleaned.get("skill") or "",
            "points": cleaned["points"],
            "status": Question.Status.PUBLISHED,
            "topics": [topic.slug for topic in cleaned.get("topics") or []],
            "citations": [],
        }
        source, quote = cleaned.get("citation_source"), " ".join(cleaned.get("citation_quote", "").split())
        if source or quote:
            data["citations"] = [{"source": source.file_name if source else "", "quote": quote}]

        def lines(name: str) -> list[str]:
            return _lines(cleaned.get(name))[:MAX_LINES]

        data |= REGISTRY[self.question_type].from_form(cleaned, lines)
        return data
