"""URL patterns: the gradebook, results per assignment, a student's record and attempts, the student's history."""

from django.urls import path

from quizzes.scores import views as scores

urlpatterns = [
    path("teach/classes/<id:pk>/gradebook/", scores.gradebook, name="gradebook"),
    path("teach/classes/<id:pk>/gradebook.csv", scores.gradebook_csv, name="gradebook_csv"),
    path("teach/classes/<id:pk>/students/<id:student_pk>/", scores.student_record, name="student_record"),
    path("teach/assignments/<id:pk>/results/", scores.assignment_results, name="assignment_results"),
    path("teach/attempts/<id:pk>/", scores.teacher_attempt, name="teacher_attempt"),
    path("history/", scores.student_history, name="student_history"),
]
