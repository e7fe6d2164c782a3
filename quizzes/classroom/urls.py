"""URL patterns: the teacher's classes, join codes and rosters."""

from django.urls import path

from quizzes.classroom import views as classes

urlpatterns = [
    path("teach/classes/new/", classes.class_create, name="class_create"),
    path("teach/classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("teach/classes/<int:pk>/edit/", classes.class_edit, name="class_edit"),
    path("teach/classes/<int:pk>/archive/", classes.class_archive, name="class_archive"),
    path("teach/classes/<int:pk>/code/", classes.class_regenerate_code, name="class_regenerate_code"),
    path("teach/classes/<int:pk>/students/add/", classes.roster_add, name="roster_add"),
    path("teach/classes/<int:pk>/students/new-accounts.csv", classes.roster_sheet_csv, name="roster_sheet_csv"),
    path("teach/classes/<int:pk>/students/<int:student_pk>/remove/", classes.roster_remove, name="roster_remove"),
    path("teach/classes/<int:pk>/students/<int:student_pk>/restore/", classes.roster_restore, name="roster_restore"),
    path("teach/classes/<int:pk>/students/<int:student_pk>/password/", classes.roster_password, name="roster_password"),
]
