"""The app's URLs plus the floor view the benchmark compares them with."""

from django.urls import path

from bench.floor import floor
from october_quiz.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *app_urlpatterns]
