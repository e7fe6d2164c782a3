"""Forms for accounts: signing up with a class code."""

from django.contrib.auth.forms import UserCreationForm

from quizzes.classroom.forms import JoinCodeField
from quizzes.models import User


class SignupForm(UserCreationForm):
    join_code = JoinCodeField()

    class Meta:
        model = User
        fields = ("first_name", "last_name", "username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields.pop("usable_password", None)

    def signup_data(self) -> dict[str, str]:
        """What `accounts.services.student_signup` takes, from the cleaned form."""
        data = self.cleaned_data
        fields = ("username", "first_name", "last_name", "join_code")
        return {name: data[name] for name in fields} | {"password": data["password1"]}
