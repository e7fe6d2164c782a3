"""URL patterns: classes (placeholders until the views land)."""

from django.urls import path

from quizzes.views.placeholder import not_built_yet

urlpatterns = [
    path("teach/classes/new/", not_built_yet, name="class_create"),
    path("teach/classes/<int:pk>/", not_built_yet, name="class_detail"),
    path("teach/classes/<int:pk>/edit/", not_built_yet, name="class_edit"),
    path("teach/classes/<int:pk>/archive/", not_built_yet, name="class_archive"),
    path("teach/classes/<int:pk>/code/", not_built_yet, name="class_regenerate_code"),
    path("teach/classes/<int:pk>/students/add/", not_built_yet, name="roster_add"),
    path("teach/classes/<int:pk>/students/<int:student_pk>/remove/", not_built_yet, name="roster_remove"),
]
