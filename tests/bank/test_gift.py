"""Tests for quizzes/gift.py: reading and writing Moodle's GIFT question format."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.bank.gift import GiftItem, GiftSyntaxError, export_gift, parse_gift
from quizzes.bank.types.base import collapse_whitespace

SHARED_GIFT = Path(__file__).resolve().parents[3] / "shared" / "gift"
needs_shared_gift = pytest.mark.skipif(
    not SHARED_GIFT.is_dir(), reason=f"the shared GIFT files are not here ({SHARED_GIFT} is missing)"
)


def only_item(text: str) -> GiftItem:
    items = parse_gift(text)
    assert len(items) == 1
    return items[0]


def only_question(text: str) -> dict:
    item = only_item(text)
    assert item.status == "imported", item.reason
    return item.question


# ----------------------------------------------------------------------------------- question types


def test_one_equals_among_tildes_is_a_single_choice_question():
    question = only_question("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question["type"] == "single"
    assert question["prompt"] == "Who's buried in Grant's tomb?"
    assert question["choices"] == [
        {"text": "Grant", "correct": False},
        {"text": "Jefferson", "correct": False},
        {"text": "no one", "correct": True},
    ]


def test_positive_weights_make_a_multiple_answers_question():
    question = only_question("Who is entombed? {~No one ~%50%Grant ~%50%Grant's wife ~Grant's father}")
    assert question["type"] == "multiple"
    assert [(c["text"], c["correct"]) for c in question["choices"]] == [
        ("No one", False),
        ("Grant", True),
        ("Grant's wife", True),
        ("Grant's father", False),
    ]


def test_negative_and_zero_weights_mark_wrong_choices():
    question = only_question("Pick two.{~%-50%a ~%50%b ~%0%c ~%50%d ~%-25.5%e}")
    assert question["type"] == "multiple"
    assert [c["correct"] for c in question["choices"]] == [False, True, False, True, False]


def test_partial_credit_in_a_single_choice_question_becomes_wrong_with_a_note():
    question = only_question("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert question["type"] == "single"
    assert [c["correct"] for c in question["choices"]] == [False, False, True]
    assert question["notes"] == ["partial credit dropped, now wrong: 'half credit answer' (50%)"]


def test_one_equals_answer_alone_is_short_text():
    question = only_question("Japanese characters came from what country? {=China}")
    assert question["type"] == "short_text"
    assert question["accepted"] == ["China"]


def test_several_equals_answers_are_all_accepted():
    assert only_question("Who's buried in Grant's tomb?{=no one =nobody}")["accepted"] == ["no one", "nobody"]


def test_partial_credit_short_answers_are_dropped_with_a_note():
    question = only_question("Jesus was from {=Nazareth =%75%Nazereth =%100%Nazareth, Galilee =%25%Bethlehem}.")
    assert question["accepted"] == ["Nazareth", "Nazareth, Galilee"]
    assert question["notes"] == ["partial-credit answers dropped: 'Nazereth' (75%), 'Bethlehem' (25%)"]


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{ TRUE }", True), ("{t}", True), ("{F}", False), ("{FALSE}", False)],
)
def test_true_false_answers(block, answer):
    question = only_question(f"The sun rises in the east.{block}")
    assert question["type"] == "true_false"
    assert question["answer"] is answer


def test_true_false_feedback_is_wrong_then_right():
    question = only_question("The sun rises in the West.{FALSE#Look outside at dawn.#Well done.}")
    assert question["answer"] is False
    assert question["feedback_wrong"] == "Look outside at dawn."
    assert question["feedback_right"] == "Well done."


def test_true_false_with_one_feedback_has_only_the_wrong_one():
    question = only_question("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question["feedback_wrong"] == "No one is buried in Grant's tomb."
    assert "feedback_right" not in question


def test_matching_pairs():
    question = only_question(
        "Match the countries with their capitals. {\n  =Canada -> Ottawa\n  =Italy  -> Rome\n  =Japan->Tokyo\n}"
    )
    assert question["type"] == "matching"
    assert question["pairs"] == [["Canada", "Ottawa"], ["Italy", "Rome"], ["Japan", "Tokyo"]]


def test_matching_answer_with_no_left_side_is_dropped_with_a_note():
    question = only_question("Match.{=a -> 1 =b -> 2 =c -> 3 = -> 4}")
    assert question["pairs"] == [["a", "1"], ["b", "2"], ["c", "3"]]
    assert question["notes"] == ["extra wrong answers dropped (our matching has none): '4'"]


def test_matching_with_two_pairs_is_skipped_with_the_rules_reason():
    item = only_item("Match.{=a -> 1 =b -> 2}")
    assert item.status == "skipped"
    assert item.question is None
    assert item.reason == "matching question has 2 pairs, fewer than 3"


@pytest.mark.parametrize(
    ("block", "number", "tolerance"),
    [
        ("{#1822}", "1822", "0"),
        ("{#3:1}", "3", "1"),
        ("{#3.1415:0.0005}", "3.1415", "0.0005"),
        ("{#-1}", "-1", "0"),
        ("{#-3.142:0.001}", "-3.142", "0.001"),
        ("{#1..5}", "3", "2"),
        ("{#-5..5}", "0", "5"),
        ("{#3.141..3.142}", "3.1415", "0.0005"),
        ("{#-3.142..-3.141}", "-3.1415", "0.0005"),
        ("{# 2.5 : 0.25 }", "2.5", "0.25"),
    ],
)
def test_numeric_answers(block, number, tolerance):
    question = only_question(f"Give the number.{block}")
    assert question["type"] == "numeric"
    assert Decimal(question["number"]) == Decimal(number)
    assert Decimal(question["tolerance"]) == Decimal(tolerance)


def test_numeric_with_several_answers_keeps_the_full_credit_one_and_notes_the_rest():
    question = only_question("When was Grant born? {#\n=%50%1822:2\n=1822:0 #Correct!\n}")
    assert (question["number"], question["tolerance"]) == ("1822", "0")
    assert question["notes"] == [
        "kept only the 100% answer 1822:0; dropped 1822:2 (50%)",
        "answer feedback dropped: numeric questions have none",
    ]


def test_numeric_with_no_full_credit_answer_is_skipped():
    item = only_item("Roughly when? {#=%50%1822:2 =%25%1822:10}")
    assert item.status == "skipped"
    assert item.reason == "numeric question has no full-credit (100%) answer"


def test_answer_block_in_the_middle_leaves_a_blank_in_the_prompt():
    question = only_question("Mahatma Gandhi's birthday is an Indian holiday on {\n~15th\n~3rd\n=2nd\n} of October.")
    assert question["prompt"] == "Mahatma Gandhi's birthday is an Indian holiday on _____ of October."


def test_text_after_the_answer_block_follows_moodle_and_leaves_a_blank():
    assert only_question("Two plus two equals {=four =4}.")["prompt"] == "Two plus two equals _____."
    assert only_question("Two plus two equals {=four =4}")["prompt"] == "Two plus two equals"


def test_essay_is_skipped_with_the_reason():
    item = only_item("Write a short biography of Dag Hammarskjöld. {}")
    assert (item.status, item.question) == ("skipped", None)
    assert item.reason.startswith("essay question")


def test_essay_with_only_general_feedback_is_still_an_essay():
    assert only_item("Write about 1917.{####Mention both revolutions.}").reason.startswith("essay question")


def test_description_without_braces_is_skipped_with_the_reason():
    item = only_item("You can use your pencil and paper for these next math questions.")
    assert item.status == "skipped"
    assert item.reason == "description (no answer block): not a question"


def test_questions_that_break_our_rules_are_skipped_with_the_reasons():
    texts = [
        "Two right answers.{=a =b ~c}",
        "No right answer.{~%-50%a ~%0%b}",
        "Only partial answers.{=%50%a =%25%b}",
        "One choice.{=a ~}",
    ]
    reasons = [item.reason for item in parse_gift("\n\n".join(texts))]
    assert reasons == [
        "single-choice question must have exactly one correct choice, has 2",
        "multiple-answers question has no correct choice",
        "short-text question has no accepted answer",
        "has a choice with no text",
    ]


def test_imported_questions_carry_our_defaults():
    assert only_question("The sun rises in the east.{T}") == {
        "type": "true_false",
        "prompt": "The sun rises in the east.",
        "answer": True,
        "explanation": "",
        "topics": [],
        "difficulty": 2,
        "status": "draft",
        "citations": [],
        "format": "moodle",
    }


# ------------------------------------------------------------------------------------ GIFT syntax


def test_title_goes_to_the_question_and_the_item():
    item = only_item("::Kanji Origins::Japanese characters originally\ncame from what country? {=China}")
    assert item.title == "Kanji Origins"
    assert item.question["title"] == "Kanji Origins"
    assert item.question["prompt"] == "Japanese characters originally\ncame from what country?"


def test_title_may_stand_on_its_own_line_and_hold_escaped_colons():
    question = only_question("::Part 1\\: Petrograd::\nThe Winter Palace fell in October.{T}")
    assert question["title"] == "Part 1: Petrograd"
    assert question["prompt"] == "The Winter Palace fell in October."


def test_question_over_several_lines_keeps_its_line_breaks_and_drops_indentation():
    question = only_question(
        "The American holiday of Thanksgiving is\n    celebrated on the {\n    ~second\n    =fourth\n} Thursday."
    )
    assert question["prompt"] == "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday."
    assert [c["text"] for c in question["choices"]] == ["second", "fourth"]


def test_answer_feedback_follows_a_hash():
    question = only_question("Grant is {~buried#No one is buried there. =entombed#Right answer! ~living} in it.")
    assert question["choices"] == [
        {"text": "buried", "correct": False, "feedback": "No one is buried there."},
        {"text": "entombed", "correct": True, "feedback": "Right answer!"},
        {"text": "living", "correct": False},
    ]


def test_feedback_may_run_over_several_lines():
    question = only_question("Q?{\n~wrong#feedback on\nmultiple lines\n=right}")
    assert question["choices"][0]["feedback"] == "feedback on\nmultiple lines"


def test_general_feedback_becomes_the_explanation():
    question = only_question("Q?{\n=right\n~wrong#not this\n####The Global feedback\nsplit on two lines.}")
    assert question["explanation"] == "The Global feedback\nsplit on two lines."
    assert question["choices"][-1] == {"text": "wrong", "correct": False, "feedback": "not this"}


def test_general_feedback_is_taken_from_the_last_four_hashes():
    question = only_question("Q?{=right ~wrong#####The reason.}")
    assert question["explanation"] == "The reason."
    assert question["choices"][1] == {"text": "wrong", "correct": False}


def test_general_feedback_works_for_true_false_and_numeric():
    assert only_question("Q?{T#wrong#right####general}")["explanation"] == "general"
    assert only_question("Q?{#4####Two and two.}")["explanation"] == "Two and two."


def test_escaped_control_characters_are_literal_text():
    question = only_question(
        "::a\\:b::Which is \\{odd\\}? {\n~ \\~ tilde # \\# is special\n= \\= equals \\: colon\n~ back\\\\slash}"
    )
    assert question["title"] == "a:b"
    assert question["prompt"] == "Which is {odd}?"
    assert question["choices"] == [
        {"text": "~ tilde", "correct": False, "feedback": "# is special"},
        {"text": "= equals : colon", "correct": True},
        {"text": "back\\slash", "correct": False},
    ]


def test_escaped_n_is_a_line_break_and_escaped_backslash_before_n_is_not():
    question = only_question("First\\nsecond, C:\\\\new{T}")
    assert question["prompt"] == "First\nsecond, C:\\new"


def test_lone_backslash_before_an_ordinary_character_stays_literal():
    question = only_question("Is C:\\Windows\\System a path? {= \\      # Correct! \\ is not special ~ /}")
    assert question["prompt"] == "Is C:\\Windows\\System a path?"
    assert question["choices"][0] == {"text": "\\", "correct": True, "feedback": "Correct! \\ is not special"}


def test_comment_lines_are_ignored_but_double_slashes_inside_a_line_are_text():
    items = parse_gift(
        "// a comment before the question\n"
        "See http://example.org // still the prompt\n"
        "   // an indented comment inside the question\n"
        "{T}\n\n// a trailing comment\n"
    )
    assert len(items) == 1
    assert items[0].line == 2
    assert items[0].question["prompt"] == "See http://example.org // still the prompt"


def test_windows_line_endings_and_a_byte_order_mark():
    items = parse_gift("\ufeff// exported\r\n::First::Line one\r\nline two{T}\r\n\r\nSecond{=a =b}\r\n")
    assert [item.line for item in items] == [2, 5]
    assert items[0].title == "First"
    assert items[0].question["prompt"] == "Line one\nline two"
    assert items[1].question["accepted"] == ["a", "b"]


@pytest.mark.parametrize("text_format", ["html", "moodle", "plain", "markdown"])
def test_format_marker_sets_the_format_and_leaves_the_text_alone(text_format):
    question = only_question(f"::T::[{text_format}]Who's buried in **Grant's <i>tomb</i>**?{{T}}")
    assert question["format"] == text_format
    assert question["prompt"] == "Who's buried in **Grant's <i>tomb</i>**?"


def test_unknown_marker_stays_in_the_text():
    question = only_question("[latex]x{T}")
    assert (question["format"], question["prompt"]) == ("moodle", "[latex]x")


def test_html_with_escaped_equals_and_colons_is_kept_as_given():
    question = only_question(
        '[html]<a href\\="http\\://example.org/a.mp3">Listen\\:</a><br>What language?{=French ~German}'
    )
    assert question["prompt"] == '<a href="http://example.org/a.mp3">Listen:</a><br>What language?'


def test_categories_set_the_topics_of_the_questions_that_follow():
    items = parse_gift(
        "Before any category.{T}\n\n"
        "$CATEGORY: $course$/top/Revolution/Petrograd\n\n"
        "First.{T}\n\nSecond.{F}\n\n"
        "// question: 0  name: switch category\n$CATEGORY: top/Soviets\nThird, right under the category.{T}\n\n"
        "$CATEGORY: $course$/top\n\nFourth, back at the top.{T}\n\n"
        "$CATEGORY: Parties//Factions\n\nFifth, a slash inside a name.{T}\n"
    )
    assert [item.question["topics"] for item in items] == [
        [],
        ["Petrograd"],
        ["Petrograd"],
        ["Soviets"],
        [],
        ["Parties/Factions"],
    ]
    assert [item.line for item in items] == [1, 5, 7, 11, 15, 19]


def test_item_lines_point_where_each_question_starts():
    text = "// header\n\nQ1{T}\n\n\n// comment\n::Title::\nQ2{\n=a\n=b\n}\n\nQ3{F}"
    assert [item.line for item in parse_gift(text)] == [3, 7, 13]


# ---------------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Q1{T}\n\nQ2 has an open brace {\n=a\n=b\n", 3, "'{' is never closed"),
        ("Q1{T}\n\nQ2 has a stray } before {T}", 3, "'}' without an opening '{'"),
        ("Q {\n=a\n=b {c}\n}", 3, "'{' inside an answer block"),
        ("Q1 {T}\nQ2 {F}", 2, "a second answer block"),
        ("::Title never closed\nQ{T}", 1, "opens a title that is never closed"),
        ("Q{\n\n=a\n}", 1, "'{' is never closed"),
        ("\n\nHow many? {#abc}", 3, "numeric answer 'abc' is not a number"),
        ("Match {\n=a -> 1\n=b 2\n}", 1, "matching answer 'b 2' has no '->'"),
        ("Empty numeric {#}", 1, "numeric answer block has no answer"),
        ("Open range {#..5}", 1, "numeric answer '..5' is not a number"),
    ],
)
def test_syntax_errors_name_the_line_and_the_problem(text, line, message):
    with pytest.raises(GiftSyntaxError) as caught:
        parse_gift(text)
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"line {line}: ")


def test_the_first_bad_question_is_the_one_reported():
    with pytest.raises(GiftSyntaxError) as caught:
        parse_gift("Good.{T}\n\nBad {T\n\nAlso bad }\n")
    assert caught.value.line == 3


def test_syntax_error_is_a_value_error():
    with pytest.raises(ValueError, match="line 1"):
        parse_gift("Unclosed {")


gift_pieces = st.lists(
    st.one_of(
        st.sampled_from(list("{}~=#:\\\n\r->%.TtF 0129a/[]$")),
        st.sampled_from(["$CATEGORY: a/b", "[html]", "::", "####", "->", "..", "//", "TRUE", "\n\n", "%50%", "%-25%"]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=gift_pieces)
def test_any_input_parses_or_raises_a_syntax_error_and_keep_good_never_raises(text):
    try:
        strict = parse_gift(text)
    except GiftSyntaxError as error:
        assert error.line >= 1
        strict = None
    lenient = parse_gift(text, keep_good=True)
    assert all(item.status in ("imported", "skipped") for item in lenient)
    assert all((item.question is None) == (item.status == "skipped") for item in lenient)
    if strict is not None:
        assert lenient == strict


def test_keep_good_skips_the_bad_question_and_reads_the_rest():
    items = parse_gift("Good.{T}\n\n::Broken::Bad {T\n\nAlso good.{=yes}\n", keep_good=True)
    assert [(item.line, item.status) for item in items] == [(1, "imported"), (3, "skipped"), (5, "imported")]
    assert items[1].reason.startswith("syntax error: line 3: '{' is never closed")
    assert items[1].question is None
    assert items[2].question["accepted"] == ["yes"]


# ---------------------------------------------------------------------------------------- export

TRICKY = "Which {x} = y? Cost: 5 ~ 6 # 7, path C:\\new\\n and a lone \\ here\nsecond line"


def test_export_escapes_every_control_character():
    text = export_gift([{"type": "true_false", "prompt": TRICKY, "answer": True, "format": "plain"}])
    assert text == (
        "[plain]Which \\{x\\} \\= y? Cost\\: 5 \\~ 6 \\# 7, path C\\:\\\\new\\\\n and a lone \\\\ here\\nsecond line"
        "{TRUE}\n"
    )


def test_export_writes_a_category_line_only_when_the_first_topic_changes():
    questions = [
        {"type": "true_false", "prompt": f"Q{n}", "answer": True, "topics": topics}
        for n, topics in enumerate([[], ["people"], ["people", "dates"], ["dates"], []])
    ]
    text = export_gift(questions)
    categories = [line for line in text.splitlines() if line.startswith("$CATEGORY:")]
    assert categories == [
        "$CATEGORY: $course$/top/people",
        "$CATEGORY: $course$/top/dates",
        "$CATEGORY: $course$/top",
    ]
    assert [item.question["topics"] for item in parse_gift(text)] == [[], ["people"], ["people"], ["dates"], []]


def test_export_single_choice_with_title_feedback_and_explanation():
    question = {
        "type": "single",
        "title": "Rising",
        "prompt": "Who chaired the Military Revolutionary Committee?",
        "choices": [
            {"text": "Lazimir", "correct": True, "feedback": "Yes, formally."},
            {"text": "Lenin", "correct": False},
        ],
        "explanation": "Trotsky led it in practice.",
        "format": "plain",
    }
    assert export_gift([question]) == (
        "::Rising::[plain]Who chaired the Military Revolutionary Committee?{\n"
        "\t=Lazimir#Yes, formally.\n"
        "\t~Lenin\n"
        "\t####Trotsky led it in practice.\n"
        "}\n"
    )


@pytest.mark.parametrize(
    ("correct", "weights"),
    [
        ([True, True, False, False], ["50", "50", "-50", "-50"]),
        ([True, True, True, False], ["33.33333", "33.33333", "33.33333", "-100"]),
        ([True, False, False, False], ["100", "-33.33333", "-33.33333", "-33.33333"]),
        ([True, True, True, True], ["25", "25", "25", "25"]),
    ],
)
def test_export_multiple_answers_weights_sum_to_plus_and_minus_one_hundred(correct, weights):
    choices = [{"text": f"choice {n}", "correct": flag} for n, flag in enumerate(correct)]
    text = export_gift([{"type": "multiple", "prompt": "Pick.", "choices": choices}])
    assert [line.split("%")[1] for line in text.splitlines() if line.startswith("\t~")] == weights


def test_export_true_false_feedback_keeps_wrong_and_right_apart():
    def block(**feedback):
        return export_gift([{"type": "true_false", "prompt": "Q", "answer": False, **feedback}]).split("]Q")[1]

    assert block() == "{FALSE}\n"
    assert block(feedback_wrong="w") == "{FALSE#w}\n"
    assert block(feedback_right="r") == "{FALSE##r}\n"
    assert block(feedback_wrong="w", feedback_right="r") == "{FALSE#w#r}\n"


def test_export_ordering_as_numbered_matching_which_comes_back_as_matching():
    question = {"type": "ordering", "prompt": "Put in order.", "items": ["February", "July", "October"]}
    text = export_gift([question])
    assert "\t=1 -> February\n\t=2 -> July\n\t=3 -> October\n" in text
    back = only_question(text)
    assert back["type"] == "matching"
    assert back["pairs"] == [["1", "February"], ["2", "July"], ["3", "October"]]


def test_export_text_starting_with_a_percent_sign_is_not_read_as_a_weight():
    question = {
        "type": "single",
        "prompt": "Turnout?",
        "choices": [{"text": "%50 or so", "correct": True}, {"text": "%10%", "correct": False}],
    }
    assert only_question(export_gift([question]))["choices"] == question["choices"]
    short = {"type": "short_text", "prompt": "Turnout?", "accepted": ["%50%"]}
    assert only_question(export_gift([short]))["accepted"] == ["%50%"]


def test_export_of_nothing_is_empty():
    assert export_gift([]) == ""


def test_export_refuses_a_numeric_question_whose_number_is_not_a_number():
    with pytest.raises(ValueError, match="'about ten' is not a number"):
        export_gift([{"type": "numeric", "prompt": "How many?", "number": "about ten"}])


def test_export_refuses_an_unknown_type():
    with pytest.raises(ValueError, match="essay"):
        export_gift([{"type": "essay", "prompt": "Write."}])


# ------------------------------------------------------------------------------------ round trip

ROUND_TRIP = {
    "single": {
        "type": "single",
        "title": "Part 1: {the} = rising ~ #1",
        "prompt": TRICKY,
        "choices": [
            {"text": "a = b", "correct": False, "feedback": "Not {quite}: # no"},
            {"text": "c ~ d \\", "correct": True, "feedback": "Yes\nindeed"},
            {"text": "%e%", "correct": False},
        ],
        "explanation": "Because #### of: {this}.",
        "topics": ["people"],
        "format": "plain",
    },
    "multiple": {
        "type": "multiple",
        "prompt": "Which two? {x}",
        "choices": [
            {"text": "one:1", "correct": True},
            {"text": "two=2", "correct": True, "feedback": "~ok~"},
            {"text": "three#3", "correct": False},
        ],
        "explanation": "",
        "topics": ["votes", "dates"],
        "format": "html",
    },
    "true_false": {
        "type": "true_false",
        "prompt": "<b>True</b> = false?",
        "answer": False,
        "feedback_wrong": "No: {never}",
        "feedback_right": "Right #1",
        "explanation": "It is \\ false.",
        "topics": [],
        "format": "html",
    },
    "short_text": {
        "type": "short_text",
        "title": "::",
        "prompt": "Name the paper: {_____}",
        "accepted": ["Rabochii Put'", "Rabochy Put = Workers' Path", "T"],
        "explanation": "Closed ~ reopened.",
        "topics": ["texts"],
        "format": "markdown",
    },
    "numeric": {
        "type": "numeric",
        "prompt": "How many delegates: {#}?",
        "number": "-3.1415",
        "tolerance": "0.0005",
        "explanation": "About #650.",
        "topics": ["votes"],
        "format": "moodle",
    },
    "matching": {
        "type": "matching",
        "prompt": "Match = pair:",
        "pairs": [["Lenin {1}", "wrote: April Theses"], ["Trotsky ~2", "chaired #MRC"], ["Kerenski\\", "fled = left"]],
        "explanation": "",
        "topics": ["people"],
        "format": "plain",
    },
    "ordering": {
        "type": "ordering",
        "prompt": "Order these: first -> last",
        "items": ["February {1917}", "July: days", "October = rising"],
        "explanation": "Chronology #1.",
        "topics": ["dates"],
        "format": "plain",
    },
}


def comparable(question: dict) -> dict:
    """The fields a round trip must keep, with ordering seen as the matching it comes back as."""
    fields = {key: question.get(key, "") for key in ("prompt", "title", "explanation", "format")}
    fields["type"] = "matching" if question["type"] == "ordering" else question["type"]
    fields["topics"] = (question.get("topics") or [])[:1]
    if question["type"] in ("single", "multiple"):
        fields["choices"] = [(c["text"], c["correct"], c.get("feedback", "")) for c in question["choices"]]
    if question["type"] == "true_false":
        fields |= {key: question.get(key, "") for key in ("feedback_wrong", "feedback_right")}
        fields["answer"] = question["answer"]
    if question["type"] == "short_text":
        fields["accepted"] = question["accepted"]
    if question["type"] == "numeric":
        fields["number"] = Decimal(question["number"])
        fields["tolerance"] = Decimal(question.get("tolerance", "0"))
    if question["type"] == "matching":
        fields["pairs"] = [list(pair) for pair in question["pairs"]]
    if question["type"] == "ordering":
        fields["pairs"] = [[str(n), item] for n, item in enumerate(question["items"], start=1)]
    return fields


@pytest.mark.parametrize("qtype", list(ROUND_TRIP))
def test_round_trip_keeps_every_type(qtype):
    original = ROUND_TRIP[qtype]
    back = only_question(export_gift([original]))
    assert comparable(back) == comparable(original)


def test_round_trip_of_all_types_in_one_file():
    questions = list(ROUND_TRIP.values())
    items = parse_gift(export_gift(questions))
    assert [comparable(item.question) for item in items] == [comparable(q) for q in questions]


def test_round_trip_of_a_question_without_a_format_comes_back_plain():
    question = {"type": "true_false", "prompt": "x < y", "answer": True}
    assert only_question(export_gift([question]))["format"] == "plain"


# Any text our teachers might type: every GIFT control character, line breaks, "%" and "//".
typed_text = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=("Cs", "Co", "Cc")), st.sampled_from("~=#{}:\\\n%/[]")),
    min_size=1,
    max_size=30,
).filter(lambda text: text == text.strip() and text.strip() != "")


@settings(max_examples=150, deadline=None)
@given(
    title=st.one_of(st.just(""), typed_text),
    prompt=typed_text,
    texts=st.lists(typed_text, min_size=2, max_size=5, unique_by=lambda text: collapse_whitespace(text).lower()),
    feedback=typed_text,
    explanation=st.one_of(st.just(""), typed_text),
)
def test_round_trip_survives_any_typed_text(title, prompt, texts, feedback, explanation):
    choices = [{"text": text, "correct": n == 0} for n, text in enumerate(texts)]
    choices[-1]["feedback"] = feedback
    question = {"type": "single", "title": title, "prompt": prompt, "choices": choices, "explanation": explanation}
    assert comparable(only_question(export_gift([question]))) == comparable({**question, "format": "plain"})


# --------------------------------------------------------------------------- the shared GIFT files

# Counted by reading each file by hand (see /work/shared/gift/SOURCES.md for where they come from).
EXPECTED = {
    # 43 questions. Single: the three "Grant's tomb" choice examples x2-3, the missing-word ones, Thanksgiving
    # x2, Japanese, feedback demo, "Difficult question" x2 (an "=" makes it single; the 50% becomes wrong),
    # Jesus' hometown with "~" answers, "Which answer equals 5?", GIFT Control Characters (16). Multiple: the
    # two "What two people" questions (no "="). Short text: {=no one =nobody} x4 (one in markdown),
    # "Two plus two", Kanji Origins {=China}, the two "=%75%" Jesus' hometown questions (9). Numerical: 8.
    "moodle__examples.txt": (
        {"single": 16, "multiple": 2, "true_false": 5, "short_text": 9, "numeric": 8, "matching": 3},
        {},
    ),
    # A Moodle export: matching (4 pairs once "= -> Chat" is dropped), the greeting choice, {=%100%Moodler#}, TRUE.
    "moodle__questions_in_category.gift.txt": ({"matching": 1, "single": 1, "short_text": 1, "true_false": 1}, {}),
    # Ten numerical questions, including negative ranges and the French export with weighted answers.
    "GIFT-grammar-PEG.js__numerical1.gift": ({"numeric": 10}, {}),
    # The feedback demo and the French HTML question each have one "=" among "~" answers.
    "GIFT-grammar-PEG.js__multiLineFeedback1.gift": ({"single": 2}, {}),
    "GIFT-grammar-PEG.js__escapeAll.gift": ({"single": 1}, {}),
    # Single: Grant's tomb and the three missing-word ones. Multiple: "What two people". True/false: {T},
    # {FALSE#..#..}, {TRUE#..#..}, {t#bien}. Short: two. Matching: countries. Numerical: four, and 3.14159 skipped
    # (more decimal places than a question keeps). Then an essay {} and a description with no braces.
    "pygiftparser__gift_file_categories.txt": (
        {"single": 4, "multiple": 1, "true_false": 4, "short_text": 2, "matching": 1, "numeric": 4},
        {"essay": 1, "description": 1, "numeric": 1},
    ),
    # { TRUE } / { FALSE } x4, nineteen "=" among "~" questions, seventeen "=%100%" short answers (two in [html]).
    "pygiftparser__test5.txt": ({"true_false": 4, "single": 19, "short_text": 17}, {}),
}


def read_shared(name: str) -> list[GiftItem]:
    return parse_gift((SHARED_GIFT / name).read_text(encoding="utf-8"))


@needs_shared_gift
def test_every_shared_gift_file_has_expected_counts():
    assert sorted(path.name for path in SHARED_GIFT.iterdir() if path.name != "SOURCES.md") == sorted(EXPECTED)


@needs_shared_gift
@pytest.mark.parametrize("name", list(EXPECTED))
def test_shared_file_imports_and_skips_the_expected_questions(name):
    items = read_shared(name)
    imported = Counter(item.question["type"] for item in items if item.status == "imported")
    skipped = Counter(item.reason.split()[0] for item in items if item.status == "skipped")
    assert (dict(imported), dict(skipped)) == EXPECTED[name]


@needs_shared_gift
@pytest.mark.parametrize("name", list(EXPECTED))
def test_shared_file_survives_export_and_reimport(name):
    questions = [item.question for item in read_shared(name) if item.status == "imported"]
    back = [item.question for item in parse_gift(export_gift(questions))]
    assert [comparable(question) for question in back] == [comparable(question) for question in questions]


@needs_shared_gift
def test_moodle_examples_in_detail():
    items = read_shared("moodle__examples.txt")
    by_line = {item.line: item.question for item in items}
    assert by_line[10]["prompt"] == "Grant is _____ in Grant's tomb."
    assert by_line[85]["prompt"] == "What's 2 plus 2?"
    assert by_line[108]["format"] == "markdown"
    assert by_line[113]["feedback_wrong"] == "No one is buried in Grant's tomb."
    assert by_line[123]["accepted"] == ["Nazareth"]
    assert by_line[143]["choices"][1] == {"text": "= 2 + 3", "correct": True}
    assert [c["text"] for c in by_line[148]["choices"]] == ["~", "=", "#", "{", "}", "\\"]
    assert by_line[202]["notes"][0] == "kept only the 100% answer 1822:0; dropped 1822:2 (50%)"
    assert [item.title for item in items if item.title] == [
        "Kanji Origins",
        "Thanksgiving Date",
        "Jesus' hometown",
        "Jesus' hometown",
        "GIFT Control Characters",
        "Grant's Tomb",
        "Jesus' hometown (Short answer ex.)",
        "Numerical example",
    ]


@needs_shared_gift
def test_moodle_export_with_category_and_html():
    items = read_shared("moodle__questions_in_category.gift.txt")
    assert [item.line for item in items] == [5, 14, 22, 27]
    assert {item.question["format"] for item in items} == {"html"}
    assert {tuple(item.question["topics"]) for item in items} == {("Default for New Features",)}
    assert items[0].question["notes"] == ["extra wrong answers dropped (our matching has none): 'Chat'"]
    assert (
        items[1]
        .question["prompt"]
        .startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>')
    )
    assert items[2].question["accepted"] == ["Moodler"]
    assert '<span style="font-style: italic;">' in items[3].question["prompt"]


@needs_shared_gift
def test_numerical_file_numbers_and_tolerances():
    items = read_shared("GIFT-grammar-PEG.js__numerical1.gift")
    answers = [(Decimal(item.question["number"]), Decimal(item.question["tolerance"])) for item in items]
    expected = [
        ("1822", "0"),
        ("-1", "0"),
        ("3.1415", "0.0005"),
        ("-3.142", "0.001"),
        ("3.1415", "0.0005"),
        ("-3.1415", "0.0005"),
        ("3", "2"),
        ("0", "5"),
        ("1822", "0"),
        ("9", "0"),
    ]
    assert answers == [(Decimal(number), Decimal(tolerance)) for number, tolerance in expected]
    assert [item.line for item in items] == [3, 5, 7, 9, 11, 13, 15, 17, 19, 23]
    assert items[-1].title == "Combien de principes GRASP y a-t-il?"


@needs_shared_gift
def test_multi_line_feedback_file():
    first, french = read_shared("GIFT-grammar-PEG.js__multiLineFeedback1.gift")
    assert first.question["choices"][1]["feedback"] == "feedback comment on this wrong answer\non multiple lines"
    assert first.question["explanation"] == "Global feedback split\non multiple lines"
    assert french.title == "06- création d'instance"
    assert french.question["format"] == "html"
    assert 'style="margin-left:18.0pt;text-indent:\n-18.0pt;' in french.question["prompt"]
    assert [c["correct"] for c in french.question["choices"]] == [False, False, False, False, True, False]
    assert french.question["explanation"].startswith('<p><img src="@@PLUGINFILE@@/3.png"')


@needs_shared_gift
def test_escape_all_file():
    question = read_shared("GIFT-grammar-PEG.js__escapeAll.gift")[0].question
    assert [c["text"] for c in question["choices"]] == ["~", "=", "#", "{", "}", ":", "\\"]
    assert question["choices"][-1]["correct"] is True
    assert question["choices"][-1]["feedback"].startswith("Correct! \\ (backslash) is not a control character.")


@needs_shared_gift
def test_pygiftparser_categories_file():
    items = read_shared("pygiftparser__gift_file_categories.txt")
    topics = [item.question["topics"][0] if item.question and item.question["topics"] else "" for item in items]
    assert Counter(topics) == {
        "": 7,  # four before the first $CATEGORY, and the skipped essay, description and 3.14159
        "TrueFalseCategory": 2,
        "ShortCategory": 2,
        "MatchingCategory": 1,
        "MissingCategory": 3,
        "NumericalCategory": 4,
    }
    by_line = {item.line: item for item in items}
    assert by_line[26].question["feedback_wrong"] == "bien"
    assert (
        by_line[61].question["prompt"] == 'Since _____\nthe town of Hastings England has been "famous with visitors".'
    )
    assert (by_line[85].question["number"], by_line[85].question["tolerance"]) == ("1822", "1")
    assert (by_line[95].status, by_line[100].status) == ("skipped", "skipped")


@needs_shared_gift
def test_pygiftparser_teacher_bank():
    items = read_shared("pygiftparser__test5.txt")
    assert Counter(item.question["topics"][0] for item in items) == {
        "Apartado-1,2,2.1": 8,
        "Apartado-2.2,2.3": 10,
        "Apartado-2.4,2.5": 9,
        "Apartado-2.6,2.7": 13,
    }
    by_line = {item.line: item.question for item in items}
    assert by_line[9]["answer"] is True
    assert by_line[22]["accepted"] == ["área de trabajo"]
    assert by_line[278]["format"] == "html"
    assert 'src="http://www.newdesignfile.com/postpic/2010/04/cisco-switch-icon_309116.jpg"' in by_line[278]["prompt"]
