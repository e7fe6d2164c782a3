"""URL patterns: builder (placeholders until the views land)."""

from django.urls import path

from quizzes.views.placeholder import not_built_yet

urlpatterns = [
    path("teach/sets/", not_built_yet, name="set_list"),
    path("teach/sets/new/", not_built_yet, name="set_create"),
    path("teach/sets/<int:pk>/", not_built_yet, name="set_builder"),
    path("teach/sets/<int:pk>/preview/", not_built_yet, name="set_preview"),
    path("teach/questions/new/", not_built_yet, name="question_create"),
    path("teach/questions/<int:pk>/edit/", not_built_yet, name="question_edit"),
    path("teach/questions/<int:pk>/duplicate/", not_built_yet, name="question_duplicate"),
]
