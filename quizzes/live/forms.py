"""Forms of live sessions: the teacher's start form and the guest's join form (code and nickname)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q

from quizzes.classroom.models import normalise_join_code
from quizzes.live.selectors import session_for_code
from quizzes.models import LivePlayer, LiveSession, QuizSet
from quizzes.permissions import assignable_classrooms
from quizzes.throttle import Throttle

MIN_SECONDS, MAX_SECONDS = 5, 600
NICKNAME_MAX = LivePlayer._meta.get_field("nickname").max_length
CODE_MAX = LiveSession._meta.get_field("code").max_length
WRONG_CODE = "No live session open to guests has that code. Check it on the classroom screen."


class LiveStartForm(forms.Form):
    classroom = forms.ModelChoiceField(
        queryset=None,
        label="Class",
        empty_label=None,
        error_messages={
            "required": "Choose one of your classes.",
            "invalid_choice": "Choose one of your own current classes.",
        },
    )
    quiz_set = forms.ModelChoiceField(
        queryset=None,
        label="Quiz set",
        empty_label=None,
        error_messages={
            "required": "Choose a quiz set.",
            "invalid_choice": "Choose one of your quiz sets or a shared one.",
        },
    )
    allow_guests = forms.BooleanField(
        required=False,
        label="Let guests join with the session's code and a nickname",
        help_text="Guests never enter the gradebook. You can remove anyone from the lobby.",
    )
    scoring = forms.ChoiceField(
        choices=LiveSession.Scoring.choices,
        initial=LiveSession.Scoring.ACCURACY,
        widget=forms.RadioSelect,
        label="Scoring",
    )
    show_leaderboard = forms.BooleanField(
        required=False, label="Show the top five after each answer is revealed", help_text="Never the bottom."
    )
    seconds_per_question = forms.IntegerField(
        required=False,
        min_value=MIN_SECONDS,
        max_value=MAX_SECONDS,
        label="Seconds per question",
        help_text=f"A countdown from {MIN_SECONDS} to {MAX_SECONDS} seconds; leave empty for none.",
        error_messages={
            "min_value": f"Give at least {MIN_SECONDS} seconds, or leave it empty for no countdown.",
            "max_value": f"Give at most {MAX_SECONDS} seconds (ten minutes).",
            "invalid": "Give a whole number of seconds.",
        },
    )

    def __init__(self, *args, teacher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = assignable_classrooms(teacher)
        self.fields["classroom"].label_from_instance = lambda classroom: classroom.name
        self.fields["quiz_set"].queryset = QuizSet.objects.filter(Q(owner_id=teacher.pk) | Q(owner__isnull=True)).order_by(
            "title", "pk"
        )
        self.fields["quiz_set"].label_from_instance = lambda quiz_set: quiz_set.title


class GuestJoinForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Session code",
        help_text="The code on the classroom screen.",
        error_messages={"required": "Type the code shown on the classroom screen."},
    )
    nickname = forms.CharField(
        max_length=NICKNAME_MAX,
        label="Nickname",
        help_text=f"What the class sees, up to {NICKNAME_MAX} characters.",
        error_messages={
            "required": "Choose a nickname.",
            "max_length": f"Keep your nickname to {NICKNAME_MAX} characters or fewer.",
        },
    )

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        session = session_for_code(code) if len(code) <= CODE_MAX else None
        if session is None or not session.allow_guests:
            raise forms.ValidationError(WRONG_CODE, code="wrong_code")
        self.session = session
        return code

    def clean_nickname(self) -> str:
        nickname = " ".join(self.cleaned_data["nickname"].split())
        if not nickname:
            raise forms.ValidationError("Choose a nickname.")
        return nickname


class LiveCodeGuesses:
    """Wrong session codes counted per address (settings.JOIN_CODE_THROTTLE, as for class codes), so that codes
    cannot be found by trying; past the limit, guests are refused from there until the window has passed."""

    def __init__(self, *, address: str | None):
        config = settings.JOIN_CODE_THROTTLE
        self.throttle = Throttle(f"live-code:address:{address}", config["per_address"], config["window_seconds"])

    def too_many(self) -> bool:
        return self.throttle.reached()

    def record_wrong(self) -> None:
        self.throttle.record()

    def refusal(self) -> str:
        return f"Too many wrong session codes from here. Wait {self.throttle.minutes} minutes and try again."
