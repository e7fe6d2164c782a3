"""The live session's event stream, apart from the pages (quizzes.live.urls): under the split deployment only this
path goes to the ASGI server."""

from django.urls import path

from quizzes.live import stream

urlpatterns = [
    path("<id:pk>/events/", stream.live_events, name="live_events"),
]
