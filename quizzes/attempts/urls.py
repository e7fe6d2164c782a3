"""URL patterns: starting an attempt, its questions, review, submitting and results."""

from django.urls import path

from quizzes.attempts import views

urlpatterns = [
    path("assignments/<int:pk>/start/", views.start, name="assignment_start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/questions/<int:position>/", views.answer, name="attempt_answer"),
    path("attempts/<int:pk>/finish/", views.finish, name="attempt_finish"),
    path("attempts/<int:pk>/submit/", views.submit, name="attempt_submit"),
    path("attempts/<int:pk>/results/", views.results, name="attempt_results"),
]
