"""Forms for assignments: assigning a set to classes, their settings, reopening, and accommodations."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from quizzes.assignments.selectors import current_students
from quizzes.assignments.services import (
    MAX_EXTRA_ATTEMPTS,
    MAX_EXTRA_TIME_MINUTES,
    MAX_EXTRA_TIME_PERCENT,
    AccommodationTerms,
    AssignmentSettings,
)
from quizzes.models import Assignment
from quizzes.permissions import assignable_classrooms

MAX_TIME_LIMIT_MINUTES = 600
MAX_ATTEMPTS = 50
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _local_time_help(extra: str = "") -> str:
    return f"{extra} Times are in the school's time zone ({settings.TIME_ZONE}).".strip()


def _in_words(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local.strftime('%b %Y %H:%M')}"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's date-time picker, read in the site's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            raise forms.ValidationError(f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="range")
        return moment


class AllowLateField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[
                ("1", "Accept them, marked late"),
                ("0", "Refuse them: the quiz ends at the due date"),
            ],
            coerce=lambda value: value == "1",
            widget=forms.RadioSelect,
            label="Submissions after the due date",
            **kwargs,
        )

    def prepare_value(self, value):
        if isinstance(value, bool):
            return "1" if value else "0"
        return value


class AssignmentSettingsForm(forms.Form):
    """The settings of one assignment; the detail page edits them."""

    title = forms.CharField(
        max_length=Assignment._meta.get_field("title").max_length,
        required=False,
        label="Title",
        help_text="What students see. Leave it as it is to use the quiz set's title.",
    )
    opens_at = LocalDateTimeField(label="Opens at", help_text=_local_time_help())
    due_at = LocalDateTimeField(
        required=False, label="Due at", help_text=_local_time_help("Leave empty for no due date.")
    )
    time_limit_minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT_MINUTES,
        label="Time limit in minutes",
        help_text="Leave empty for no time limit.",
    )
    attempts_allowed = forms.IntegerField(min_value=1, max_value=MAX_ATTEMPTS, initial=1, label="Attempts allowed")
    counting = forms.ChoiceField(
        choices=Assignment.Counting.choices,
        initial=Assignment.Counting.HIGHEST,
        widget=forms.RadioSelect,
        label="Which attempt counts",
    )
    shuffle_questions = forms.BooleanField(required=False, label="Shuffle the order of the questions")
    shuffle_choices = forms.BooleanField(required=False, initial=True, label="Shuffle the order of the choices")
    feedback = forms.ChoiceField(
        choices=Assignment.Feedback.choices,
        initial=Assignment.Feedback.EACH_QUESTION,
        widget=forms.RadioSelect,
        label="When students see their feedback",
        help_text=(
            "After each question and after submission show it at once, even with attempts left. After the due date "
            "waits until no one in the class can still answer: every due date passed, personal ones included, no "
            "attempt open and none left to start (with late work accepted: until you close the quiz)."
        ),
    )
    show_correct_answers = forms.BooleanField(
        required=False, initial=True, label="Show the correct answers when students review their attempt"
    )
    review_when_done = forms.BooleanField(
        required=False,
        initial=False,
        label="Show students who are done their feedback even while classmates can still answer",
        help_text=(
            "For feedback after the due date. A student who can no longer answer then sees their score and the "
            "answers at once, and could pass them on to a classmate with a later personal due date or an attempt "
            "left. Off: no one sees them until everyone is done."
        ),
    )
    allow_late = AllowLateField(initial="1")

    def clean(self) -> dict:
        cleaned = super().clean()
        opens_at, due_at = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens_at and due_at and due_at <= opens_at:
            self.add_error("due_at", f"The due date must be after the quiz opens ({_in_words(opens_at)}).")
        if cleaned.get("feedback") == Assignment.Feedback.AFTER_DUE and "due_at" in cleaned and not due_at:
            self.add_error("due_at", "Feedback after the due date needs a due date. Set one, or choose another time.")
        return cleaned

    def assignment_settings(self) -> AssignmentSettings:
        return AssignmentSettings.from_cleaned(self.cleaned_data)

    @classmethod
    def initial_for(cls, assignment: Assignment) -> dict:
        initial = {name: getattr(assignment, name) for name in cls.base_fields if hasattr(assignment, name)}
        initial["title"] = assignment.display_title
        return initial


class AssignmentCreateForm(AssignmentSettingsForm):
    """Assign one set to one or more of the teacher's current classes at once."""

    field_order = ["classrooms"]

    classrooms = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Classes",
        error_messages={
            "required": "Choose at least one class.",
            "invalid_choice": "Choose among your own current classes: one of those chosen is not one of them.",
            "invalid_pk_value": "Choose among your own current classes.",
        },
    )

    def __init__(self, *args, teacher, quiz_set, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("title", quiz_set.title)
        kwargs["initial"].setdefault("opens_at", timezone.now().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = assignable_classrooms(teacher)
        self.fields["classrooms"].label_from_instance = lambda classroom: classroom.name


class ReopenForm(forms.Form):
    due_at = LocalDateTimeField(required=False, label="New due date", help_text=_local_time_help())

    def __init__(self, *args, assignment: Assignment, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.now = now or timezone.now()
        # Only a closed assignment is reopened; an open one needs nothing (the service says so).
        self.needs_due_date = assignment.closed_at is not None and assignment.is_past_due(self.now)
        if self.needs_due_date:
            self.fields["due_at"].required = True
            self.fields["due_at"].help_text = _local_time_help(
                f"The due date ({_in_words(assignment.due_at)}) has passed, so the quiz needs a new one."
            )
            self.fields["due_at"].error_messages["required"] = (
                "The due date has passed: give a new due date to reopen the quiz."
            )
        else:
            self.fields["due_at"].help_text = _local_time_help("Optional: leave empty to keep the due date.")

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at is not None and due_at <= self.now:
            raise forms.ValidationError("The new due date must be in the future.")
        if due_at is not None and due_at <= self.assignment.opens_at:
            raise forms.ValidationError(
                f"The due date must be after the quiz opens ({_in_words(self.assignment.opens_at)})."
            )
        return due_at


class AccommodationForm(forms.Form):
    """What one current student of the assignment's class gets beyond its settings; anyone else is refused with a
    message."""

    student = forms.ModelChoiceField(
        queryset=None,
        label="Student",
        empty_label="Choose a student",
        error_messages={
            "required": "Choose a student.",
            "invalid_choice": "That student is not in this class.",
        },
    )

    extra_time_percent = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_EXTRA_TIME_PERCENT,
        label="Extra time in percent",
        help_text="Added to the time limit: 50 gives a 20-minute quiz 30 minutes.",
    )
    extra_time_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_EXTRA_TIME_MINUTES,
        label="Extra time in minutes",
        help_text="Added to the time limit, after the percent.",
    )
    extra_attempts = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_EXTRA_ATTEMPTS, label="Extra attempts"
    )
    due_at = LocalDateTimeField(required=False, label="Personal due date")

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.fields["student"].queryset = current_students(assignment)
        self.fields["student"].label_from_instance = lambda user: f"{user.display_name} ({user.username})"
        self.fields["due_at"].help_text = _local_time_help("Leave empty to keep the class's due date.")

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if due_at is not None and due_at <= self.assignment.opens_at:
            raise forms.ValidationError(
                f"A personal due date must be after the quiz opens ({_in_words(self.assignment.opens_at)})."
            )
        return due_at

    @classmethod
    def for_row(cls, row, *, assignment: Assignment) -> AccommodationForm:
        """The form for one student of the table (`row`, or None for an empty form), filled with what they have."""
        if row is None:
            return cls(assignment=assignment)
        initial = cls.initial_for(row.accommodation) or {"student": row.student.pk}
        return cls(initial=initial, assignment=assignment)

    @property
    def clearing(self) -> bool:
        """Sent by a row's Clear button: back to the class's terms, whatever else came with it."""
        return "clear" in self.data

    def saved_notice(self) -> str:
        student = self.cleaned_data["student"]
        if self.clearing:
            return f"{student.display_name} now has the same terms as the class."
        return f"Saved the accommodation for {student.display_name}."

    def accommodation_terms(self) -> AccommodationTerms:
        if self.clearing:
            return AccommodationTerms()
        data = self.cleaned_data
        return AccommodationTerms(
            extra_time_percent=data["extra_time_percent"] or 0,
            extra_time_minutes=data["extra_time_minutes"] or 0,
            extra_attempts=data["extra_attempts"] or 0,
            due_at=data["due_at"],
        )

    @staticmethod
    def initial_for(accommodation) -> dict:
        if accommodation is None:
            return {}
        return {
            "student": accommodation.student_id,
            "extra_time_percent": accommodation.extra_time_percent,
            "extra_time_minutes": accommodation.extra_time_minutes,
            "extra_attempts": accommodation.extra_attempts,
            "due_at": accommodation.due_at,
        }
