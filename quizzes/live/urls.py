"""URL patterns: starting a live session, the projector, the remote and controls; joining; the phone page."""

from django.urls import path

from quizzes.live import views

urlpatterns = [
    path("start/", views.live_start, name="live_start"),
    path("join/", views.live_guest_join, name="live_guest_join"),
    path("<id:pk>/projector/", views.live_projector, name="live_projector"),
    path("<id:pk>/remote/", views.live_remote, name="live_remote"),
    path("<id:pk>/control/", views.live_control, name="live_control"),
    path("<id:pk>/players/<id:player_pk>/remove/", views.live_player_remove, name="live_player_remove"),
    path("<id:pk>/join/", views.live_join, name="live_join"),
    path("<id:pk>/play/", views.live_play, name="live_play"),
    path("<id:pk>/play/answer/", views.live_answer, name="live_answer"),
]
