"""Forms and checks of the Django admin: check_bank's rules on saved questions, and the GIFT import forms."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django import forms
from django.conf import settings
from django.core import signing

from quizzes.bank.fixtures import question_to_dict
from quizzes.bank.gift_db import MAX_GIFT_BYTES, GiftFileError, decode_gift
from quizzes.bank.rules import duplicate_prompt_problems, load_source_texts, question_problems
from quizzes.models import Question, Source, Topic

GIFT_SUFFIXES = (".gift", ".txt")
GIFT_PAYLOAD_SALT = "quizzes.admin.import-gift"
GIFT_PAYLOAD_MAX_AGE = 60 * 60


# ------------------------------------------------------------------------------------ the bank's rules


def source_texts_dir() -> Path | None:
    """Where the source documents' texts are: settings.SOURCE_TEXTS_DIR, else ../shared/seeds; None if absent."""
    configured = getattr(settings, "SOURCE_TEXTS_DIR", None)
    directory = Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "seeds"
    return directory if directory.is_dir() else None


def saved_questions_problems(questions: Iterable[Question], *, status: str | None = None) -> dict[int, list[str]]:
    """check_bank's problems with each saved question (relations prefetched), by id; with ``status``, the
    problems it would have with that status.

    Two differences from check_bank, both because the database is the admin's vocabulary: any Topic row
    is a known topic, and a duplicate prompt is looked for among the questions of the same owner (the
    shared bank, or one teacher's own), since teachers' copies repeat bank prompts on purpose. Evidence
    quotes are looked for in their documents when the texts are there (see source_texts_dir), and a
    teacher's own question need not cite a document, as on the teacher's own page.
    """
    directory = source_texts_dir()
    texts = load_source_texts(directory) if directory else None
    prompts_by_owner: dict[int | None, list[tuple[int, str, str]]] = {}
    problems = {}
    for question in questions:
        data = question_to_dict(question) | ({"status": status} if status else {})
        found = question_problems({**data, "topics": []}, texts, require_evidence=question.owner_id is None)
        if question.owner_id not in prompts_by_owner:
            rows = Question.objects.filter(owner=question.owner_id).order_by("id").values_list("pk", "key", "prompt")
            prompts_by_owner[question.owner_id] = list(rows)
        others = [
            {"key": key or f"q{pk}", "prompt": prompt}
            for pk, key, prompt in prompts_by_owner[question.owner_id]
            if pk != question.pk
        ]
        duplicates = duplicate_prompt_problems([*others, {"key": "\0this", "prompt": data["prompt"]}])
        problems[question.pk] = found + [problem for key, problem in duplicates if key == "\0this"]
    return problems


def saved_question_problems(question: Question) -> list[str]:
    """check_bank's problems with one question as it now stands in the database."""
    fresh = Question.objects.with_answers().prefetch_related("topics").get(pk=question.pk)
    return saved_questions_problems([fresh])[fresh.pk]


class QuestionAdminForm(forms.ModelForm):
    """The question's own fields; ``refused_problems`` (set by QuestionAdmin after a refused save) become
    the form's errors, so the page comes back with check_bank's messages."""

    refused_problems: list[str] = []

    class Meta:
        model = Question
        fields = ("type", "prompt", "explanation", "skill", "difficulty", "status", "points", "answer_bool", "number")
        fields += ("tolerance", "topics", "key", "owner", "copied_from")

    def clean(self):
        cleaned_data = super().clean()
        for problem in self.refused_problems:
            self.add_error(None, problem)
        return cleaned_data


# ------------------------------------------------------------------------------------------- GIFT


class GiftUploadForm(forms.Form):
    file = forms.FileField(
        label="GIFT file",
        help_text="A .gift or .txt file in UTF-8, such as a Moodle question export.",
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        help_text="The document the questions come from. GIFT has no evidence quotes, so the questions are "
        "imported with no citation; the report reminds you which document to quote from before publishing.",
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        help_text="Added to every question, beside the topic of its $CATEGORY.",
    )
    keep_good = forms.BooleanField(
        label="Keep the good ones",
        required=False,
        help_text="When a question is not valid GIFT, skip it and import the rest (otherwise nothing is imported).",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(GIFT_SUFFIXES):
            raise forms.ValidationError("Choose a .gift or .txt file.")
        if upload.size > MAX_GIFT_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_GIFT_BYTES // 1_000_000} MB; split it up.")
        try:
            return decode_gift(upload.read())
        except GiftFileError as error:
            raise forms.ValidationError(str(error)) from None

    def payload(self) -> str:
        """The checked file and choices, signed, for the confirm step to import exactly what was shown."""
        data = self.cleaned_data
        return signing.dumps(
            {
                "text": data["file"],
                "file_name": self.files["file"].name,
                "keep_good": data["keep_good"],
                "source": data["source"].pk if data["source"] else None,
                "topic": data["topic"].pk if data["topic"] else None,
            },
            salt=GIFT_PAYLOAD_SALT,
            compress=True,
        )

    def import_options(self) -> dict:
        data = self.cleaned_data
        return {"text": data["file"], "keep_good": data["keep_good"], "source": data["source"], "topic": data["topic"]}


class GiftConfirmForm(forms.Form):
    """The confirm button of the import page: the file checked in the dry run, carried signed."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def clean_payload(self) -> dict:
        try:
            payload = signing.loads(self.cleaned_data["payload"], salt=GIFT_PAYLOAD_SALT, max_age=GIFT_PAYLOAD_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError("The check is more than an hour old. Upload the file again.") from None
        except signing.BadSignature:
            raise forms.ValidationError("The file to import was changed. Upload it again.") from None
        payload["source"] = Source.objects.filter(pk=payload["source"]).first() if payload["source"] else None
        payload["topic"] = Topic.objects.filter(pk=payload["topic"]).first() if payload["topic"] else None
        return payload

    @property
    def file_name(self) -> str:
        return self.cleaned_data["payload"]["file_name"]

    def import_options(self) -> dict:
        payload = self.cleaned_data["payload"]
        return {key: payload[key] for key in ("text", "keep_good", "source", "topic")}
