"""URL patterns: the source library, the reader, and a student's "Read it in context"."""

from django.urls import path

from quizzes.sources import views

urlpatterns = [
    path("teach/sources/", views.source_library, name="source_library"),
    path("teach/sources/new/", views.source_create, name="source_create"),
    path("teach/sources/<id:pk>/", views.source_read, name="source_read"),
    path("teach/sources/<id:pk>/edit/", views.source_edit, name="source_edit"),
    path("teach/sources/<id:pk>/text/", views.source_replace, name="source_replace"),
    path("teach/sources/<id:pk>/delete/", views.source_delete_view, name="source_delete"),
    path("read/<id:pk>/attempt/<id:attempt_pk>/", views.source_context, name="source_context"),
]
