"""Forms for accounts: signing up with a class code."""

from django.contrib.auth.forms import UserCreationForm

from quizzes.classroom.forms import JoinCodeField
from quizzes.models import User


class SignupForm(UserCreationForm):
    """A new student's account. Whether a username is taken is told only together with a class code that works:
    someone without one learns nothing about who has an account (and JoinCodeGuesses counts each such answer)."""

    join_code = JoinCodeField()

    KEPT_WHEN_REFUSED = ("first_name", "last_name", "username", "join_code")

    class Meta:
        model = User
        fields = ("first_name", "last_name", "username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields.pop("usable_password", None)

    def clean_username(self):
        # UserCreationForm's check (also names that differ only in case) waits until the class code is known good.
        return self.cleaned_data.get("username")

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        if "join_code" in cleaned and username and User.objects.filter(username__iexact=username).exists():
            self.add_error("username", self.instance.unique_error_message(User, ["username"]))
        return cleaned

    def validate_unique(self):
        # The database's own uniqueness check would tell a taken name just the same: only with a good code too.
        if "join_code" in self.cleaned_data:
            super().validate_unique()

    def tells_a_guesser_something(self) -> bool:
        """Whether the answer says a class code is wrong or a username taken: what someone guessing would learn."""
        return self.has_error("join_code") or self.has_error("username", code="unique")

    def signup_data(self) -> dict[str, str]:
        """What `accounts.services.student_signup` takes, from the cleaned form."""
        data = self.cleaned_data
        fields = ("username", "first_name", "last_name", "join_code")
        return {name: data[name] for name in fields} | {"password": data["password1"]}
