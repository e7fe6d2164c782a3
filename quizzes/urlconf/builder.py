"""URL patterns: the quiz-set builder, its preview, and teachers' own questions."""

from django.urls import path

from quizzes.views import builder, own_questions

urlpatterns = [
    path("teach/sets/", builder.set_list, name="set_list"),
    path("teach/sets/new/", builder.set_create, name="set_create"),
    path("teach/sets/<int:pk>/", builder.set_builder, name="set_builder"),
    path("teach/sets/<int:pk>/preview/", builder.set_preview_page, name="set_preview"),
    path("teach/sets/<int:pk>/questions/add/", builder.set_add_question, name="set_add_question"),
    path(
        "teach/sets/<int:pk>/questions/<int:question_pk>/remove/",
        builder.set_remove_question,
        name="set_remove_question",
    ),
    path("teach/sets/<int:pk>/questions/<int:question_pk>/move/", builder.set_move_question, name="set_move_question"),
    path("teach/sets/<int:pk>/rule/", builder.set_rule, name="set_rule"),
    path("teach/sets/<int:pk>/rule/count/", builder.set_rule_count, name="set_rule_count"),
    path("teach/questions/new/", own_questions.question_create, name="question_create"),
    path("teach/questions/<int:pk>/edit/", own_questions.question_edit, name="question_edit"),
    path("teach/questions/<int:pk>/duplicate/", own_questions.question_duplicate_view, name="question_duplicate"),
]
