"""URL patterns: the quiz-set builder, its preview, and teachers' own questions."""

from django.urls import path

from quizzes.authoring import views

urlpatterns = [
    path("teach/sets/", views.set_list, name="set_list"),
    path("teach/sets/new/", views.set_create, name="set_create"),
    path("teach/sets/<id:pk>/", views.set_builder, name="set_builder"),
    path("teach/sets/<id:pk>/preview/", views.set_preview_page, name="set_preview"),
    path("teach/sets/<id:pk>/questions/add/", views.set_add_question, name="set_add_question"),
    path(
        "teach/sets/<id:pk>/questions/<id:question_pk>/remove/",
        views.set_remove_question,
        name="set_remove_question",
    ),
    path("teach/sets/<id:pk>/questions/<id:question_pk>/move/", views.set_move_question, name="set_move_question"),
    path("teach/sets/<id:pk>/rule/", views.set_rule, name="set_rule"),
    path("teach/sets/<id:pk>/rule/count/", views.set_rule_count, name="set_rule_count"),
    path("teach/questions/new/", views.question_create, name="question_create"),
    path("teach/questions/<id:pk>/edit/", views.question_edit, name="question_edit"),
    path("teach/questions/<id:pk>/duplicate/", views.question_duplicate_view, name="question_duplicate"),
]
