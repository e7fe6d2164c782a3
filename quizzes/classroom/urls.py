"""URL patterns: the teacher's classes, join codes and rosters."""

from django.urls import path

from quizzes.classroom import views as classes

urlpatterns = [
    path("teach/classes/new/", classes.class_create, name="class_create"),
    path("teach/classes/<id:pk>/", classes.class_detail, name="class_detail"),
    path("teach/classes/<id:pk>/edit/", classes.class_edit, name="class_edit"),
    path("teach/classes/<id:pk>/archive/", classes.class_archive, name="class_archive"),
    path("teach/classes/<id:pk>/code/", classes.class_regenerate_code, name="class_regenerate_code"),
    path("teach/classes/<id:pk>/students/add/", classes.roster_add, name="roster_add"),
    path("teach/classes/<id:pk>/students/new-accounts.csv", classes.roster_sheet_csv, name="roster_sheet_csv"),
    path("teach/classes/<id:pk>/students/<id:student_pk>/remove/", classes.roster_remove, name="roster_remove"),
    path("teach/classes/<id:pk>/students/<id:student_pk>/restore/", classes.roster_restore, name="roster_restore"),
    path("teach/classes/<id:pk>/students/<id:student_pk>/password/", classes.roster_password, name="roster_password"),
]
