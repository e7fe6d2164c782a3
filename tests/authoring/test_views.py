"""The quiz-set builder: the list of sets, a new set, browsing the bank, ordering a set, random rules, preview."""

import re
from html import unescape

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, QuizSet, QuizSetItem
from tests import factories
from tests.conftest import HTMX, client_for


@pytest.fixture
def teacher_client(school):
    return client_for(school.teacher)


@pytest.fixture
def quiz_set(school):
    """The teacher's fixed set holding the single-choice and the ordering question."""
    return factories.QuizSetFactory(
        owner=school.teacher,
        title="Deciding on the rising",
        questions=[school.questions["single"], school.questions["ordering"]],
    )


@pytest.fixture
def random_set(school):
    return factories.QuizSetFactory(owner=school.teacher, title="Mixed bag", kind=QuizSet.Kind.RANDOM, rule_count=5)


def builder_url(quiz_set, **params) -> str:
    url = reverse("set_builder", args=[quiz_set.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def text_of(response) -> str:
    return unescape(response.content.decode())


def order_of(quiz_set) -> list[int]:
    return list(quiz_set.items.order_by("position").values_list("question_id", flat=True))


def make_bank(count: int, **fields) -> list[Question]:
    return [factories.QuestionFactory(**fields) for _ in range(count)]


# -- The list of sets and a new set ------------------------------------------------------------------------------


def test_set_list_shows_the_teachers_sets_with_questions_points_and_rules(school, teacher_client, quiz_set, random_set):
    others = factories.QuizSetFactory(owner=school.other_teacher, title="Not mine")
    votes = factories.TopicFactory(slug="votes")
    random_set.rule_topics.add(votes)
    page = text_of(teacher_client.get(reverse("set_list")))
    assert "Deciding on the rising" in page and "Mixed bag" in page
    assert others.title not in page
    row = re.search(r"Deciding on the rising</a></th>(.*?)</tr>", page, re.S).group(1)
    assert "Fixed list" in row and "<td>2</td>" in row
    assert "5 drawn at random · Votes and tallies" in page
    assert reverse("set_create") in page
    assert reverse("assignment_create", args=[quiz_set.pk]) in page


def test_set_list_takes_the_same_queries_for_few_or_many_sets(school, teacher_client, django_assert_num_queries):
    factories.QuizSetFactory(owner=school.teacher, questions=list(school.questions.values())[:2])
    with django_assert_num_queries(5):
        teacher_client.get(reverse("set_list"))
    for _ in range(6):
        factories.QuizSetFactory(owner=school.teacher, questions=list(school.questions.values()))
        factories.QuizSetFactory(owner=school.teacher, kind=QuizSet.Kind.RANDOM).rule_topics.add(
            factories.TopicFactory()
        )
    with django_assert_num_queries(5):
        teacher_client.get(reverse("set_list"))


def test_set_list_is_empty_politely(school, teacher_client):
    assert "You have no quiz sets yet" in text_of(teacher_client.get(reverse("set_list")))


def test_creating_a_set_opens_its_builder(school, teacher_client):
    response = teacher_client.post(reverse("set_create"), {"title": "Votes", "description": "", "kind": "random"})
    created = QuizSet.objects.get(title="Votes")
    assert created.owner == school.teacher and created.is_random
    assert response.status_code == 302 and response.url == reverse("set_builder", args=[created.pk])


def test_creating_a_set_with_htmx_redirects_the_whole_page(school, teacher_client):
    response = teacher_client.post(reverse("set_create"), {"title": "Votes", "kind": "fixed"}, headers=HTMX)
    assert response.headers["HX-Redirect"] == reverse("set_builder", args=[QuizSet.objects.get(title="Votes").pk])


def test_a_set_without_title_or_with_an_unknown_kind_comes_back_with_errors(school, teacher_client):
    response = teacher_client.post(reverse("set_create"), {"title": "", "kind": "shuffled"})
    assert response.status_code == 422
    page = text_of(response)
    assert "This field is required." in page and "Select a valid choice." in page
    assert not QuizSet.objects.filter(owner=school.teacher).exists()


# -- Permissions -------------------------------------------------------------------------------------------------


def set_urls(quiz_set, question_pk):
    return [
        ("get", reverse("set_builder", args=[quiz_set.pk])),
        ("get", reverse("set_preview", args=[quiz_set.pk])),
        ("get", reverse("set_rule_count", args=[quiz_set.pk])),
        ("post", reverse("set_add_question", args=[quiz_set.pk])),
        ("post", reverse("set_remove_question", args=[quiz_set.pk, question_pk])),
        ("post", reverse("set_move_question", args=[quiz_set.pk, question_pk])),
        ("post", reverse("set_rule", args=[quiz_set.pk])),
    ]


def test_another_teachers_set_does_not_exist_for_a_teacher(school, quiz_set):
    other = client_for(school.other_teacher)
    question = school.questions["single"]
    for method, url in set_urls(quiz_set, question.pk):
        data = {"question": school.questions["numeric"].pk, "direction": "down", "count": 3}
        response = getattr(other, method)(url, data if method == "post" else None)
        assert response.status_code == 404, url
    assert order_of(quiz_set) == [question.pk, school.questions["ordering"].pk]


def test_shared_sets_without_owner_are_not_editable_in_the_builder(school, teacher_client):
    response = teacher_client.get(reverse("set_builder", args=[school.assignment.quiz_set.pk]))
    assert response.status_code == 404


def test_students_are_refused_the_builder(school, quiz_set):
    student = client_for(school.student)
    for method, url in [*set_urls(quiz_set, school.questions["single"].pk), ("get", reverse("set_list"))]:
        assert getattr(student, method)(url).status_code == 403, url
    assert student.get(reverse("set_create")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, school, quiz_set):
    for method, url in [*set_urls(quiz_set, school.questions["single"].pk), ("get", reverse("set_list"))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# -- Browsing the bank ------------------------------------------------------------------------------------------


def test_builder_lists_the_bank_with_type_difficulty_author_and_add_buttons(school, teacher_client, quiz_set):
    page = text_of(teacher_client.get(builder_url(quiz_set)))
    assert "7 questions match" in page
    numeric = school.questions["numeric"]
    item = re.search(rf'id="result-{numeric.pk}"(.*?)</li>', page, re.S).group(1)
    assert "Numeric" in item and "Difficulty 1 recall" in item and "Orlando Figes" in item
    assert numeric.prompt in item and ">Add<" in item
    in_set = re.search(rf'id="result-{school.questions["single"].pk}"(.*?)</li>', page, re.S).group(1)
    assert "In the set" in in_set and ">Add<" not in in_set


def test_builder_leaves_out_bank_drafts_and_other_teachers_questions_but_shows_mine(school, teacher_client, quiz_set):
    draft = factories.QuestionFactory(status=Question.Status.DRAFT, prompt="A draft of the bank")
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="", prompt="Somebody else's question")
    mine = factories.QuestionFactory(owner=school.teacher, key="", prompt="A question I wrote myself")
    page = text_of(teacher_client.get(builder_url(quiz_set)))
    assert mine.prompt in page and "8 questions match" in page
    assert draft.prompt not in page and theirs.prompt not in page
    only_mine = text_of(teacher_client.get(builder_url(quiz_set, whose="mine")))
    assert "1 question matches" in only_mine and mine.prompt in only_mine
    assert reverse("question_edit", args=[mine.pk]) in only_mine
    assert mine.prompt not in text_of(teacher_client.get(builder_url(quiz_set, whose="bank")))


def test_filters_narrow_by_text_source_topic_type_and_difficulty(school, teacher_client, quiz_set):
    votes = factories.TopicFactory(slug="votes")
    cliff = factories.SourceFactory(file_name="002_dc1a16970fc774f8.txt", author="Tony Cliff", title="Lenin 2")
    special = factories.QuestionFactory(
        prompt="How many voted for the rising on 10 October?", difficulty=3, type="numeric", number=10, with_parts=False
    )
    special.topics.add(votes)
    factories.CitationFactory(question=special, source=cliff)
    for params in [
        {"q": "VOTED for the rising"},
        {"source": cliff.pk},
        {"topic": votes.pk},
        {"difficulty": 3},
        {"type": "numeric", "difficulty": 3},
    ]:
        page = text_of(teacher_client.get(builder_url(quiz_set, **params)))
        assert "1 question matches" in page, params
        assert special.prompt in page
    explained = text_of(teacher_client.get(builder_url(quiz_set, q="Soviet Congress")))  # in the explanations
    assert "8 questions match" in explained


def test_the_skill_filter_narrows_the_bank_and_names_each_questions_skill(school, teacher_client, quiz_set):
    compare = factories.QuestionFactory(prompt="Whose account of the vote is right?", skill="corroboration")
    page = text_of(teacher_client.get(builder_url(quiz_set, skill="corroboration")))
    assert "1 question matches" in page and compare.prompt in page
    assert "Corroboration" in page


def test_bad_filter_values_are_ignored_not_refused(school, teacher_client, quiz_set):
    response = teacher_client.get(
        builder_url(quiz_set, source="abc", topic=99999, type="essay", difficulty=7, skill="memory", page="x")
    )
    assert response.status_code == 200
    assert "7 questions match" in text_of(response)


def test_htmx_filtering_returns_only_the_results_and_updates_the_count(school, teacher_client, quiz_set):
    response = teacher_client.get(builder_url(quiz_set, type="matching"), headers=HTMX)
    html = text_of(response)
    assert "<html" not in html and 'id="bank-results"' in html
    assert 'id="set-panel"' not in html
    assert 'id="bank-count" hx-swap-oob="innerHTML">1 question matches' in html
    assert school.questions["matching"].prompt in html and school.questions["single"].prompt not in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_filter_form_updates_results_as_filters_change_and_pushes_the_url(school, teacher_client, quiz_set):
    page = text_of(teacher_client.get(builder_url(quiz_set)))
    form = re.search(r'<form method="get"[^>]*class="bank-filters"[^>]*>', page, re.S).group(0)
    assert 'hx-trigger="submit, change from:.bank-filter, input changed delay:400ms from:[name=q]"' in form
    assert page.count('class="bank-filter"') == 6
    assert 'hx-target="#bank-results"' in form and 'hx-push-url="true"' in form


def test_results_come_twenty_a_page(school, teacher_client, quiz_set):
    make_bank(18)  # 25 in all
    first = text_of(teacher_client.get(builder_url(quiz_set, difficulty=1)))
    assert "25 questions match" in first and "Page 1 of 2" in first
    assert first.count('class="bank-item"') == 20
    assert "?difficulty=1&page=2" in first
    second = text_of(teacher_client.get(builder_url(quiz_set, difficulty=1, page=2), headers=HTMX))
    assert second.count('class="bank-item"') == 5 and "Page 2 of 2" in second
    assert "?difficulty=1&page=1" in second


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx-results"])
def test_builder_queries_do_not_grow_with_the_bank_or_the_set(
    school, teacher_client, quiz_set, django_assert_num_queries, headers
):
    make_bank(3)  # 10 in the bank
    expected = 12 if not headers else 10
    with django_assert_num_queries(expected):
        teacher_client.get(builder_url(quiz_set, q="Figes", source=1), headers=headers)
    for question in make_bank(50, difficulty=2):  # 60 in the bank
        QuizSetItem.objects.create(quiz_set=quiz_set, question=question, position=100 + question.pk)
    mine = factories.QuestionFactory(owner=school.teacher, key="")
    mine.topics.add(factories.TopicFactory())
    with django_assert_num_queries(expected):
        response = teacher_client.get(builder_url(quiz_set, q="Figes", source=1), headers=headers)
    assert "61 questions match" in text_of(response)


# -- Changing a fixed set ----------------------------------------------------------------------------------------


def test_adding_without_javascript_redirects_back_to_the_same_results(school, teacher_client, quiz_set):
    numeric = school.questions["numeric"]
    response = teacher_client.post(
        reverse("set_add_question", args=[quiz_set.pk]),
        {"question": numeric.pk, "back": "type=numeric&page=1&evil=<script>"},
    )
    assert response.status_code == 302
    assert response.url == builder_url(quiz_set, type="numeric", page=1) + f"#result-{numeric.pk}"
    assert order_of(quiz_set)[-1] == numeric.pk
    page = text_of(teacher_client.get(response.url))
    assert "Added as question 3" in page


def test_adding_with_htmx_swaps_the_set_panel_and_marks_the_result(school, teacher_client, quiz_set):
    numeric = school.questions["numeric"]
    response = teacher_client.post(
        reverse("set_add_question", args=[quiz_set.pk]), {"question": numeric.pk, "back": "q=Figes"}, headers=HTMX
    )
    html = text_of(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="set-panel"')
    assert "In this set (3)" in html
    assert f'<div id="add-{numeric.pk}" class="result-action" hx-swap-oob="true">' in html
    assert "In the set" in html
    assert 'id="set-status" hx-swap-oob="innerHTML"' in html and "Added as question 3" in html
    assert 'name="back" value="q=Figes"' in html


def test_adding_a_bank_draft_is_refused_with_a_message(school, teacher_client, quiz_set):
    draft = factories.QuestionFactory(status=Question.Status.DRAFT)
    response = teacher_client.post(reverse("set_add_question", args=[quiz_set.pk]), {"question": draft.pk})
    assert response.status_code == 400
    assert "draft" in text_of(response)
    assert draft.pk not in order_of(quiz_set)


@pytest.mark.parametrize("question", ["theirs", "missing", "nonsense"])
def test_adding_another_teachers_or_no_question_is_refused(school, teacher_client, quiz_set, question):
    theirs = factories.QuestionFactory(owner=school.other_teacher, key="")
    value = {"theirs": theirs.pk, "missing": 999_999, "nonsense": "abc"}[question]
    response = teacher_client.post(reverse("set_add_question", args=[quiz_set.pk]), {"question": value})
    assert response.status_code in (400, 404)
    assert "question" in text_of(response).lower()
    assert len(order_of(quiz_set)) == 2


def test_removing_without_javascript_redirects_to_the_builder(school, teacher_client, quiz_set):
    single = school.questions["single"]
    response = teacher_client.post(reverse("set_remove_question", args=[quiz_set.pk, single.pk]), {"back": "q=x"})
    assert response.status_code == 302 and response.url == builder_url(quiz_set, q="x") + "#set-panel"
    assert order_of(quiz_set) == [school.questions["ordering"].pk]
    assert list(quiz_set.items.values_list("position", flat=True)) == [1]


def test_removing_with_htmx_gives_back_the_add_button(school, teacher_client, quiz_set):
    single = school.questions["single"]
    html = text_of(teacher_client.post(reverse("set_remove_question", args=[quiz_set.pk, single.pk]), headers=HTMX))
    assert "In this set (1)" in html and "Removed:" in html
    oob = re.search(rf'<div id="add-{single.pk}"[^>]*hx-swap-oob="true">(.*?)</div>', html, re.S).group(1)
    assert ">Add<" in oob


def test_removing_a_question_not_in_the_set_is_404(school, teacher_client, quiz_set):
    response = teacher_client.post(reverse("set_remove_question", args=[quiz_set.pk, school.questions["numeric"].pk]))
    assert response.status_code == 404


def test_moving_without_javascript_and_with_htmx(school, teacher_client, quiz_set):
    single, ordering = school.questions["single"], school.questions["ordering"]
    move = reverse("set_move_question", args=[quiz_set.pk, ordering.pk])
    response = teacher_client.post(move, {"direction": "up"})
    assert response.status_code == 302 and response.url.endswith(f"#set-item-{ordering.pk}")
    assert order_of(quiz_set) == [ordering.pk, single.pk]
    html = text_of(teacher_client.post(move, {"direction": "down"}, headers=HTMX))
    assert order_of(quiz_set) == [single.pk, ordering.pk]
    assert "Moved down: now question 2." in html
    assert html.index(single.prompt) < html.index(ordering.prompt)
    assert f'id="move-up-{ordering.pk}"' in html and f'id="move-down-{ordering.pk}"' not in html


def test_moving_sideways_is_refused(school, teacher_client, quiz_set):
    move = reverse("set_move_question", args=[quiz_set.pk, school.questions["single"].pk])
    assert teacher_client.post(move, {"direction": "left"}).status_code == 400


def test_set_panel_shows_points_and_time_estimate_with_its_rule(school, teacher_client, quiz_set):
    QuizSetItem.objects.create(quiz_set=quiz_set, question=school.questions["numeric"], position=3)
    page = text_of(teacher_client.get(builder_url(quiz_set)))
    # single 45 s + ordering 90 s + numeric 60 s = 195 s
    assert "<strong>3</strong> points in all · about <strong>3</strong> minutes to answer" in page
    assert "45 seconds for each choice or true/false question, 60 for a short text or numeric answer, 90" in page
    assert reverse("set_preview", args=[quiz_set.pk]) in page
    assert reverse("assignment_create", args=[quiz_set.pk]) in page


def test_set_panel_warns_of_questions_unpublished_since_they_were_added(school, teacher_client, quiz_set):
    Question.objects.filter(pk=school.questions["ordering"].pk).update(status=Question.Status.DRAFT)
    page = text_of(teacher_client.get(builder_url(quiz_set)))
    assert "1 question is no longer published" in page and "draft: left out of attempts" in page
    assert "<strong>1</strong> point in all" in page


def test_set_panel_queries_do_not_grow_with_the_set(school, teacher_client, quiz_set, django_assert_num_queries):
    numeric = school.questions["numeric"]
    url = reverse("set_add_question", args=[quiz_set.pk])
    with django_assert_num_queries(13):
        teacher_client.post(url, {"question": numeric.pk}, headers=HTMX)
    for question in make_bank(30):
        QuizSetItem.objects.create(quiz_set=quiz_set, question=question, position=200 + question.pk)
    with django_assert_num_queries(13):
        teacher_client.post(url, {"question": school.questions["matching"].pk}, headers=HTMX)


# -- Random sets -------------------------------------------------------------------------------------------------


def test_random_set_shows_the_rule_form_with_the_live_count(school, teacher_client, random_set):
    factories.TopicFactory(slug="votes")
    page = text_of(teacher_client.get(builder_url(random_set)))
    assert "The rule" in page and 'name="count"' in page and 'name="topics"' in page
    assert 'name="sources"' in page and 'name="types"' in page and 'name="difficulty_min"' in page
    assert "<strong>7</strong> bank questions fit this rule; each attempt draws 5." in page
    assert "Warning" not in page
    assert ">Add<" not in page  # a random set takes no questions one by one


def test_random_set_warns_when_fewer_questions_fit_than_it_draws(school, teacher_client, random_set):
    response = teacher_client.get(
        reverse("set_rule_count", args=[random_set.pk]),
        {"count": 3, "types": ["numeric", "matching"], "difficulty_min": 1, "difficulty_max": 3},
        headers=HTMX,
    )
    html = text_of(response)
    assert "<html" not in html and "<strong>2</strong> bank questions fit this rule; each attempt draws 3." in html
    assert "Warning:" in html
    random_set.refresh_from_db()
    assert random_set.rule_count == 5  # counting saves nothing


def test_rule_count_without_javascript_shows_the_whole_page(school, teacher_client, random_set):
    response = teacher_client.post(
        reverse("set_rule_count", args=[random_set.pk]),
        {"count": 1, "types": "numeric", "difficulty_min": 1, "difficulty_max": 3},
    )
    page = text_of(response)
    assert "<html" in page and "<strong>1</strong> bank question fits this rule; each attempt draws 1." in page
    assert re.search(r'value="numeric"[^>]*checked', page)
    random_set.refresh_from_db()
    assert random_set.rule_count == 5 and random_set.rule_types == []


def test_the_rule_form_counts_live_without_sending_its_csrf_token(school, teacher_client, random_set):
    page = text_of(teacher_client.get(builder_url(random_set)))
    form = re.search(r'<form method="post"[^>]*class="stack rule-form"[^>]*>', page, re.S).group(0)
    assert f'hx-get="{reverse("set_rule_count", args=[random_set.pk])}"' in form
    assert 'hx-params="not csrfmiddlewaretoken"' in form and 'hx-target="#rule-count"' in form


def test_saving_the_rule(school, teacher_client, random_set):
    votes = factories.TopicFactory(slug="votes")
    school.questions["single"].topics.add(votes)
    response = teacher_client.post(
        reverse("set_rule", args=[random_set.pk]),
        {"count": 1, "topics": [votes.pk], "types": ["single"], "difficulty_min": 1, "difficulty_max": 2},
    )
    assert response.status_code == 302 and response.url.endswith("#set-panel")
    random_set.refresh_from_db()
    assert random_set.rule_count == 1 and random_set.rule_types == ["single"]
    assert list(random_set.rule_topics.all()) == [votes] and random_set.rule_difficulty_max == 2
    page = text_of(teacher_client.get(response.url))
    assert "The rule is saved." in page and "<strong>1</strong> bank question fits this rule" in page


def test_an_impossible_rule_comes_back_with_errors(school, teacher_client, random_set):
    response = teacher_client.post(
        reverse("set_rule", args=[random_set.pk]), {"count": 0, "difficulty_min": 3, "difficulty_max": 1}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "The highest difficulty cannot be below the lowest." in page
    assert "Ensure this value is greater than or equal to 1." in page
    random_set.refresh_from_db()
    assert random_set.rule_count == 5


def test_a_fixed_set_has_no_rule_to_save(school, teacher_client, quiz_set):
    response = teacher_client.post(
        reverse("set_rule", args=[quiz_set.pk]), {"count": 3, "difficulty_min": 1, "difficulty_max": 3}
    )
    assert response.status_code == 400


# -- Preview -----------------------------------------------------------------------------------------------------


def test_preview_shows_every_question_as_students_see_it_with_the_answers_for_the_teacher(
    school, teacher_client, quiz_set
):
    response = teacher_client.get(reverse("set_preview", args=[quiz_set.pk]))
    page = text_of(response)
    assert "Teacher preview" in page
    assert "Question 1 of 2" in page and "Question 2 of 2" in page
    assert 'type="radio" name="choice"' in page  # the students' own template for single choice
    assert "Put these in order, earliest first." in page
    assert "It ignored them" in page
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "The answer 1. Kornilov affair 2. 10 October meeting 3. 16 October meeting" in words  # a list
    assert school.questions["single"].explanation in page and "ignored Lenin" in page
    assert not Attempt.objects.exists()


def test_preview_gives_every_control_its_own_id(school, teacher_client):
    everything = factories.QuizSetFactory(owner=school.teacher, questions=list(school.questions.values()))
    page = text_of(teacher_client.get(reverse("set_preview", args=[everything.pk])))
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for label in re.findall(r'\bfor="([^"]+)"', page):
        assert label in ids


def test_preview_one_question_at_a_time(school, teacher_client, quiz_set):
    url = reverse("set_preview", args=[quiz_set.pk])
    page = text_of(teacher_client.get(url, {"view": "one", "q": 2}))
    assert "Question 2 of 2" in page and "Question 1 of 2" not in page
    assert "?view=one&q=1" in page and "Next question" not in page
    html = text_of(teacher_client.get(url, {"view": "one", "q": 1}, headers=HTMX))
    assert "<html" not in html and 'id="preview"' in html and "Question 1 of 2" in html
    assert "?view=one&q=2" in html
    assert not Attempt.objects.exists()


def test_preview_can_hide_the_answers(school, teacher_client, quiz_set):
    page = text_of(teacher_client.get(reverse("set_preview", args=[quiz_set.pk]), {"answers": "hide"}))
    assert school.questions["single"].explanation not in page and "Show the answers" in page


def test_preview_leaves_out_drafts_as_attempts_do(school, teacher_client, quiz_set):
    Question.objects.filter(pk=school.questions["ordering"].pk).update(status=Question.Status.DRAFT)
    page = text_of(teacher_client.get(reverse("set_preview", args=[quiz_set.pk])))
    assert "Question 1 of 1" in page and "1 question is left out" in page


def prompts_in(page: str) -> list[str]:
    return re.findall(r'class="prompt">([^<]+)<', page)


def test_random_preview_shows_one_seeded_draw_and_can_draw_again(school, teacher_client, random_set):
    url = reverse("set_preview", args=[random_set.pk])
    first = text_of(teacher_client.get(url, {"seed": 42}))
    assert "Question 5 of 5" in first and "One sample draw (number 42)" in first
    assert prompts_in(text_of(teacher_client.get(url, {"seed": 42}))) == prompts_in(first)
    assert set(prompts_in(first)) <= {q.prompt for q in school.questions.values()}
    assert "Draw again" in first and re.search(r'href="\?seed=\d+"', first)
    one = text_of(teacher_client.get(url, {"seed": 42, "view": "one", "q": 3}))
    assert prompts_in(one) == [prompts_in(first)[2]]
    assert not Attempt.objects.exists()


def test_empty_set_preview_says_so(school, teacher_client):
    empty = factories.QuizSetFactory(owner=school.teacher)
    page = text_of(teacher_client.get(reverse("set_preview", args=[empty.pk])))
    assert "This set has no questions yet" in page


def test_preview_queries_do_not_grow_with_the_set(school, teacher_client, quiz_set, django_assert_num_queries):
    url = reverse("set_preview", args=[quiz_set.pk])
    with django_assert_num_queries(13):
        teacher_client.get(url)
    for question in make_bank(20):
        QuizSetItem.objects.create(quiz_set=quiz_set, question=question, position=300 + question.pk)
    with django_assert_num_queries(13):
        teacher_client.get(url)


def test_ids_too_large_for_the_database_are_refused_politely(school, teacher_client, quiz_set, random_set):
    huge = 10**30
    add = teacher_client.post(reverse("set_add_question", args=[quiz_set.pk]), {"question": huge})
    assert add.status_code == 404
    # reverse() cannot write such an id: <id:...> in the URL patterns matches none (quizzes/converters.py).
    assert teacher_client.post(f"/teach/sets/{quiz_set.pk}/questions/{huge}/remove/").status_code == 404
    assert teacher_client.get(builder_url(quiz_set, source=huge, topic=huge, page=huge)).status_code == 200
    rule = teacher_client.post(
        reverse("set_rule", args=[random_set.pk]),
        {"count": 3, "topics": [huge], "sources": ["x"], "difficulty_min": 1, "difficulty_max": 3},
    )
    assert rule.status_code == 422 and "is not a valid value" in text_of(rule)
    preview = teacher_client.get(reverse("set_preview", args=[random_set.pk]), {"seed": huge, "q": huge, "view": "one"})
    assert preview.status_code == 200
