"""URL patterns: assignments, their settings, closing and reopening, and accommodations."""

from django.urls import path

from quizzes.assignments import views as assignments

urlpatterns = [
    path("teach/sets/<id:pk>/assign/", assignments.assignment_create, name="assignment_create"),
    path("teach/assignments/<id:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("teach/assignments/<id:pk>/close/", assignments.assignment_close, name="assignment_close"),
    path("teach/assignments/<id:pk>/reopen/", assignments.assignment_reopen, name="assignment_reopen"),
    path("teach/assignments/<id:pk>/accommodations/", assignments.accommodation_edit, name="accommodation_edit"),
]
