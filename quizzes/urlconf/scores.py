"""URL patterns: scores (placeholders until the views land)."""

from django.urls import path

from quizzes.views.placeholder import not_built_yet

urlpatterns = [
    path("teach/classes/<int:pk>/gradebook/", not_built_yet, name="gradebook"),
    path("teach/classes/<int:pk>/gradebook.csv", not_built_yet, name="gradebook_csv"),
    path("teach/classes/<int:pk>/students/<int:student_pk>/", not_built_yet, name="student_record"),
    path("teach/assignments/<int:pk>/results/", not_built_yet, name="assignment_results"),
    path("teach/attempts/<int:pk>/", not_built_yet, name="teacher_attempt"),
    path("history/", not_built_yet, name="student_history"),
]
