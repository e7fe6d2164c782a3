"""Forms for accounts and joining classes."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from quizzes.models import User
from quizzes.services.classes import JoinRefused, classroom_for_code


class JoinCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Class code")
        kwargs.setdefault("help_text", "Six letters and numbers, from your teacher.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        try:
            classroom_for_code(value)
        except JoinRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return value


class JoinForm(forms.Form):
    join_code = JoinCodeField()


class SignupForm(UserCreationForm):
    join_code = JoinCodeField()

    class Meta:
        model = User
        fields = ("first_name", "last_name", "username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields.pop("usable_password", None)
