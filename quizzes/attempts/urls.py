"""URL patterns: starting an attempt, its questions, review, submitting and results."""

from django.urls import path

from quizzes.attempts import views

urlpatterns = [
    path("assignments/<id:pk>/start/", views.start, name="assignment_start"),
    path("attempts/<id:pk>/", views.attempt, name="attempt"),
    path("attempts/<id:pk>/questions/<id:position>/", views.answer, name="attempt_answer"),
    path("attempts/<id:pk>/finish/", views.finish, name="attempt_finish"),
    path("attempts/<id:pk>/submit/", views.submit, name="attempt_submit"),
    path("attempts/<id:pk>/results/", views.results, name="attempt_results"),
]
