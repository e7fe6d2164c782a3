"""URLs of the quizzes app: one module per part of the classroom, included here."""

from django.urls import include, path

from quizzes.accounts import views as accounts
from quizzes.attempts import views as attempts
from quizzes.classroom import views as classroom

urlpatterns = [
    path("", attempts.home, name="home"),
    path("student/", attempts.dashboard, name="student_dashboard"),
    path("join/", classroom.join, name="join"),
    path("signup/", accounts.signup, name="signup"),
    path("teach/", classroom.dashboard, name="teacher_dashboard"),
    path("", include("quizzes.attempts.urls")),
    path("", include("quizzes.classroom.urls")),
    path("", include("quizzes.authoring.urls")),
    path("", include("quizzes.sources.urls")),
    path("", include("quizzes.assignments.urls")),
    path("", include("quizzes.scores.urls")),
    path("live/", include("quizzes.live.urls")),
    path("live/", include("quizzes.live.stream_urls")),
]
