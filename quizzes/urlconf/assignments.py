"""URL patterns: assignments (placeholders until the views land)."""

from django.urls import path

from quizzes.views.placeholder import not_built_yet

urlpatterns = [
    path("teach/sets/<int:pk>/assign/", not_built_yet, name="assignment_create"),
    path("teach/assignments/<int:pk>/", not_built_yet, name="assignment_detail"),
    path("teach/assignments/<int:pk>/close/", not_built_yet, name="assignment_close"),
    path("teach/assignments/<int:pk>/reopen/", not_built_yet, name="assignment_reopen"),
    path("teach/assignments/<int:pk>/accommodations/", not_built_yet, name="accommodation_edit"),
]
