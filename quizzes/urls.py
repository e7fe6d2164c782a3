"""URLs of the quizzes app."""

from django.urls import path

from quizzes.urlconf import assignments, builder, classes, scores
from quizzes.views import accounts, student, teacher

urlpatterns = [
    path("", student.home, name="home"),
    path("student/", student.dashboard, name="student_dashboard"),
    path("join/", accounts.join, name="join"),
    path("signup/", accounts.signup, name="signup"),
    path("assignments/<int:pk>/start/", student.start, name="assignment_start"),
    path("attempts/<int:pk>/", student.attempt, name="attempt"),
    path("attempts/<int:pk>/questions/<int:position>/", student.answer, name="attempt_answer"),
    path("attempts/<int:pk>/finish/", student.finish, name="attempt_finish"),
    path("attempts/<int:pk>/submit/", student.submit, name="attempt_submit"),
    path("attempts/<int:pk>/results/", student.results, name="attempt_results"),
    path("teach/", teacher.dashboard, name="teacher_dashboard"),
]

urlpatterns += classes.urlpatterns + builder.urlpatterns + assignments.urlpatterns + scores.urlpatterns
