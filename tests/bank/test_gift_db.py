"""import_gift and export_gift: GIFT files into the bank as drafts, and bank questions back out as GIFT."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.bank.fixtures import question_to_dict
from quizzes.bank.gift import parse_gift
from quizzes.bank.gift_db import GiftFileError, decode_gift, gift_import
from quizzes.models import Question, Topic
from tests import factories

SHARED_GIFT = Path(__file__).resolve().parents[3] / "shared" / "gift"
needs_shared_gift = pytest.mark.skipif(
    not SHARED_GIFT.is_dir(), reason=f"the shared GIFT files are not here ({SHARED_GIFT} is missing)"
)

TWO_QUESTIONS = """\
$CATEGORY: $course$/top/October/Votes

::Vote of 10 October::How many members of the Central Committee voted against the rising on 10 October?{#2}

// a comment
Who chaired the Military Revolutionary Committee?{
  =Trotsky#He chaired it from October.
  ~Lenin
  ~Kamenev
  ####Trotsky led the MRC.
}
"""

BROKEN = """\
Who wrote the April Theses?{=Lenin ~Trotsky ~Stalin}

Who was in hiding in Finland?{=Lenin ~Kerensky

Which paper did Kamenev write in?{=Novaya Zhizn}
"""


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def gift_file(tmp_path: Path, text: str, name: str = "questions.gift", *, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# ------------------------------------------------------------------------------------------- import


def test_import_creates_drafts_of_the_bank_with_no_key_owner_or_citation(db, tmp_path):
    output = run("import_gift", gift_file(tmp_path, TWO_QUESTIONS))
    numeric, single = Question.objects.with_answers().order_by("id")
    assert (numeric.type, numeric.number, numeric.tolerance) == ("numeric", Decimal(2), Decimal(0))
    assert single.type == "single"
    assert [(c.text, c.is_correct, c.feedback) for c in single.choices.all()] == [
        ("Trotsky", True, "He chaired it from October."),
        ("Lenin", False, ""),
        ("Kamenev", False, ""),
    ]
    assert single.explanation == "Trotsky led the MRC."
    for question in (numeric, single):
        assert (question.status, question.key, question.owner, question.difficulty) == ("draft", "", None, 2)
        assert not question.citations.exists()
    assert "line 3: imported (numeric) as question" in output
    assert "line 6: imported (single) as question" in output
    assert "2 imported, 0 skipped" in output


def test_category_maps_to_a_topic_by_slug_or_name_and_otherwise_makes_one(db, tmp_path):
    factories.TopicFactory(slug="votes", name="Votes and tallies")
    factories.TopicFactory(slug="people", name="People")
    text = (
        "$CATEGORY: $course$/top/Votes\n\nQ one?{TRUE}\n\n$CATEGORY: top/PEOPLE\n\nQ two?{FALSE}\n\n"
        "$CATEGORY: $course$/top/Soviet Congress\n\nQ three?{TRUE}\n"
    )
    output = run("import_gift", gift_file(tmp_path, text))
    topics = [[t.slug for t in q.topics.all()] for q in Question.objects.order_by("id")]
    assert topics == [["votes"], ["people"], ["soviet-congress"]]
    assert Topic.objects.get(slug="soviet-congress").name == "Soviet Congress"
    assert "new topics: Soviet Congress (soviet-congress)" in output


def test_topic_option_adds_a_known_topic_and_refuses_an_unknown_one(db, tmp_path):
    factories.TopicFactory(slug="dates", name="Dates")
    path = gift_file(tmp_path, TWO_QUESTIONS)
    with pytest.raises(CommandError, match="No topic 'calendar'. Known topics: dates"):
        run("import_gift", path, "--topic", "calendar")
    assert not Question.objects.exists()
    run("import_gift", path, "--topic", "Dates")
    assert {tuple(t.slug for t in q.topics.all()) for q in Question.objects.all()} == {("dates", "votes")}


def test_source_option_must_be_known_and_is_named_as_the_document_to_quote(db, tmp_path):
    source = factories.SourceFactory()
    path = gift_file(tmp_path, TWO_QUESTIONS)
    with pytest.raises(CommandError, match="No source document 'pipes.txt'"):
        run("import_gift", path, "--source", "pipes.txt")
    output = run("import_gift", path, "--source", source.file_name)
    assert f"add an evidence quote from {source.file_name}" in output
    assert not Question.objects.filter(citations__isnull=False).exists()


def test_dry_run_reports_but_writes_nothing(db, tmp_path):
    output = run("import_gift", gift_file(tmp_path, TWO_QUESTIONS), "--dry-run")
    assert "line 3: would import (numeric)" in output
    assert "2 would be imported, 0 skipped" in output
    assert "Dry run: nothing was written." in output
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_syntax_error_names_the_line_and_imports_nothing(db, tmp_path):
    with pytest.raises(CommandError, match=r"Syntax error at line 3: '\{' is never closed.*use --keep-good"):
        run("import_gift", gift_file(tmp_path, BROKEN))
    assert not Question.objects.exists()


def test_keep_good_skips_the_bad_question_and_imports_the_rest(db, tmp_path):
    output = run("import_gift", gift_file(tmp_path, BROKEN), "--keep-good")
    assert "line 3: skipped: syntax error: line 3: '{' is never closed" in output
    assert "2 imported, 1 skipped" in output
    assert sorted(Question.objects.values_list("type", flat=True)) == ["short_text", "single"]


def test_dry_run_with_keep_good_still_writes_nothing(db, tmp_path):
    output = run("import_gift", gift_file(tmp_path, BROKEN), "--keep-good", "--dry-run")
    assert "2 would be imported, 1 skipped" in output
    assert not Question.objects.exists()


def test_a_question_already_in_the_bank_or_earlier_in_the_file_is_skipped(db, tmp_path):
    bank = factories.QuestionFactory(prompt="Who wrote the April Theses?", with_parts=False)
    factories.ChoiceFactory(question=bank, text="Trotsky", position=0)
    factories.ChoiceFactory(question=bank, text="Lenin", is_correct=True, position=1)
    text = (
        "Who wrote the April Theses?{=lenin ~Trotsky.}\n\n"  # case and punctuation aside, the bank's question
        "Who chaired the MRC?{=Trotsky}\n\nWho chaired the MRC?{=Trotsky}\n"
    )
    output = run("import_gift", gift_file(tmp_path, text))
    assert f"line 1: skipped: duplicate: same type, prompt and answers as question {bank.key}" in output
    assert "line 5: skipped: duplicate: same type, prompt and answers as question at line 3" in output
    assert Question.objects.count() == 2


def test_a_question_with_the_same_prompt_but_another_type_or_answer_is_imported(db, tmp_path):
    bank = factories.QuestionFactory(prompt="Who opposed the rising in print?", with_parts=False)
    factories.ChoiceFactory(question=bank, text="Kamenev", is_correct=True)
    factories.ChoiceFactory(question=bank, text="Trotsky")
    factories.CitationFactory(question=bank)
    text = (
        "Who opposed the rising in print?{=Kamenev ~Trotsky ~Lenin}\n\n"  # another choice
        "Who opposed the rising in print?{~%50%Kamenev ~%50%Zinoviev ~%-100%Trotsky}\n\n"  # multiple answers
        "Who opposed the rising in print?{=Kamenev =Kamenev and Zinoviev}\n\n"  # short answer
        "Who opposed the rising in print?{=Kamenev ~Trotsky ~Lenin}\n"  # the first again
    )
    output = run("import_gift", gift_file(tmp_path, text))
    assert "3 imported, 1 skipped" in output
    assert "line 7: skipped: duplicate: same type, prompt and answers as question at line 1" in output
    drafts = Question.objects.filter(status="draft").order_by("id")
    assert [q.type for q in drafts] == ["single", "multiple", "short_text"]
    assert "0 problems" in run("check_bank")  # drafts sharing a prompt are not a problem until published


def test_importing_the_same_file_twice_adds_nothing_the_second_time(db, tmp_path):
    path = gift_file(tmp_path, TWO_QUESTIONS)
    run("import_gift", path)
    assert "0 imported, 2 skipped" in run("import_gift", path)
    assert Question.objects.count() == 2


def test_a_teachers_own_question_does_not_count_as_a_duplicate(db, tmp_path):
    factories.QuestionFactory(prompt="Who chaired the MRC?", owner=factories.TeacherFactory())
    run("import_gift", gift_file(tmp_path, "Who chaired the MRC?{=Trotsky}\n"))
    assert Question.objects.filter(owner=None).count() == 1


def test_rules_broken_at_import_are_reasons_to_skip(db, tmp_path):
    text = (
        "Match two:{=a -> 1 =b -> 2}\n\nAn essay.{}\n\nPi?{#3.14159:0.001}\n\n"
        f"Long one?{{=x ~{'y' * 501}}}\n\nJust words.\n"
    )
    output = run("import_gift", gift_file(tmp_path, text))
    assert "line 1: skipped: matching question has 2 pairs, fewer than 3" in output
    assert "line 3: skipped: essay question" in output
    assert (
        "line 5: skipped: numeric answer '3.14159' is not a number between -10,000,000,000 and 10,000,000,000 "
        "with at most 4 decimal places" in output
    )
    assert "line 7: skipped: choice text is longer than 500 characters" in output
    assert "line 9: skipped: description (no answer block)" in output
    assert not Question.objects.exists()


def test_what_our_questions_cannot_hold_is_noted(db, tmp_path):
    text = "[html]The sun rises in the <b>West</b>.{FALSE#Look again.#Right.}\n\nKamenev wrote in?{=Novaya Zhizn =Novaya Zhizn}\n"
    output = run("import_gift", gift_file(tmp_path, text))
    assert "note: true/false feedback dropped: students see the explanation instead" in output
    assert "note: [html] markup is kept as typed and shown to students as plain text" in output
    short_text = Question.objects.get(type="short_text")
    assert [a.text for a in short_text.accepted_answers.all()] == ["Novaya Zhizn"]


def test_numbered_matching_comes_back_as_ordering(db, tmp_path):
    text = "Put in order.{=1 -> Kornilov affair =2 -> 10 October meeting =3 -> Fall of the Winter Palace}\n"
    output = run("import_gift", gift_file(tmp_path, text))
    question = Question.objects.get()
    assert question.type == "ordering"
    assert [i.text for i in question.ordering_items.all()] == [
        "Kornilov affair",
        "10 October meeting",
        "Fall of the Winter Palace",
    ]
    assert "read as an ordering question" in output


def test_a_file_with_a_byte_order_mark_and_windows_line_ends_is_read(db, tmp_path):
    path = gift_file(tmp_path, "\ufeff" + TWO_QUESTIONS.replace("\n", "\r\n"))
    assert "2 imported, 0 skipped" in run("import_gift", path)


@pytest.mark.parametrize(
    ("encoding", "message"),
    [("latin-1", "is not UTF-8 text"), ("utf-16", "is UTF-16 text")],
)
def test_a_file_in_another_encoding_is_refused_clearly(db, tmp_path, encoding, message):
    path = gift_file(tmp_path, "Qui a écrit «Les Thèses d'avril»?{=Lénine ~Trotski}\n", encoding=encoding)
    with pytest.raises(CommandError, match=f"{message}.*Save it as UTF-8"):
        run("import_gift", path)
    assert not Question.objects.exists()


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nothing.gift"):
        run("import_gift", str(tmp_path / "nothing.gift"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"", "empty"), (b"  \n", "empty"), (b"Q?{T}\0", "NUL"), (b"\xff\xfeQ", "UTF-16"), (b"\xe9t\xe9", "0xe9")],
)
def test_decode_gift_refuses_what_is_not_utf8_text(raw, message):
    with pytest.raises(GiftFileError, match=message):
        decode_gift(raw)


def test_import_is_all_or_nothing(db, tmp_path, monkeypatch):
    calls = []

    def failing_save(data, **kwargs):
        calls.append(data)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original_save(data, **kwargs)

    from quizzes.bank import gift_db as gift_io

    original_save = gift_io.save_question
    monkeypatch.setattr(gift_io, "save_question", failing_save)
    with pytest.raises(RuntimeError):
        gift_import(text=TWO_QUESTIONS)
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


# ------------------------------------------------------------------------------------------- export


def test_export_writes_published_bank_questions_titled_by_key(db):
    published = factories.QuestionFactory(key="figes-cc-ignores-lenin")
    factories.QuestionFactory(status=Question.Status.DRAFT, prompt="A draft?")
    factories.QuestionFactory(owner=factories.TeacherFactory(), prompt="A teacher's own?")
    text = run("export_gift")
    items = parse_gift(text)
    assert [item.title for item in items] == ["figes-cc-ignores-lenin"]
    assert items[0].question["prompt"] == published.prompt


def test_export_chooses_by_source_and_topic(db):
    votes = factories.TopicFactory(slug="votes", name="Votes and tallies")
    pipes = factories.SourceFactory(file_name="003_d2084e1c6c5dfc8e.txt", author="Richard Pipes")
    by_figes = factories.QuestionFactory(prompt="Figes?")
    by_figes.topics.add(votes)
    by_pipes = factories.QuestionFactory(prompt="Pipes?", with_parts=False, true_false=True)
    factories.CitationFactory(question=by_pipes, source=pipes, quote="Pipes says so.")
    assert [i.question["prompt"] for i in parse_gift(run("export_gift", "--source", pipes.file_name))] == ["Pipes?"]
    assert [i.question["prompt"] for i in parse_gift(run("export_gift", "--topic", "votes"))] == ["Figes?"]
    assert run("export_gift", "--topic", "votes", "--source", pipes.file_name) == ""
    with pytest.raises(CommandError, match="No topic 'calendar'"):
        run("export_gift", "--topic", "calendar")


def test_export_of_an_empty_bank_is_empty(db):
    assert run("export_gift") == ""


# ---------------------------------------------------------------------------------- round trip


def bank_of_every_type() -> list[Question]:
    """One published bank question per type, with what GIFT can carry: one topic, difficulty 2, 1 point."""
    topic = factories.TopicFactory(slug="events", name="Events")
    questions = [
        factories.QuestionFactory(prompt="Single: {what} did the CC do?", difficulty=2),
        factories.QuestionFactory(multiple=True, prompt="Multiple: who = opposed?", difficulty=2),
        factories.QuestionFactory(true_false=True, prompt="True or false: ~Lenin~ was in Finland.", difficulty=2),
        factories.QuestionFactory(short_text=True, prompt="Short: which paper?", difficulty=2),
        factories.QuestionFactory(
            numeric=True, number=Decimal("-3.1415"), tolerance=Decimal("0.0005"), prompt="Numeric?", difficulty=2
        ),
        factories.QuestionFactory(ordering=True, prompt="Ordering: first # last", difficulty=2),
        factories.QuestionFactory(matching=True, prompt="Matching: who did what?", difficulty=2),
    ]
    first_choice = questions[0].choices.first()
    first_choice.feedback = "Yes: {it} ignored them #1."
    first_choice.save()
    for question in questions:
        question.topics.add(topic)
    return questions


def comparable(question: Question) -> dict:
    """question_to_dict without what a GIFT round trip cannot keep: key, status, skill and the citations' quotes."""
    data = question_to_dict(Question.objects.with_answers().prefetch_related("topics").get(pk=question.pk))
    return {name: value for name, value in data.items() if name not in ("key", "status", "skill", "citations")}


def test_round_trip_through_the_database_keeps_every_type(db):
    originals = [comparable(question) for question in bank_of_every_type()]
    text = run("export_gift")
    Question.objects.all().delete()
    imported = import_text(text)
    assert [comparable(question) for question in imported] == originals
    assert {question.type for question in imported} == {t.value for t in Question.Type}


def import_text(text: str) -> list[Question]:
    report = gift_import(text=text)
    assert not report.skipped, [line.describe() for line in report.skipped]
    return list(Question.objects.filter(pk__in=report.question_ids).order_by("id"))


@pytest.mark.parametrize("qtype", [t.value for t in Question.Type])
def test_round_trip_of_one_question_by_the_commands(db, tmp_path, qtype):
    question = next(q for q in bank_of_every_type() if q.type == qtype)
    original = comparable(question)
    (tmp_path / "bank.gift").write_text(run("export_gift"), encoding="utf-8")
    Question.objects.all().delete()
    run("import_gift", str(tmp_path / "bank.gift"))
    back = Question.objects.get(type=qtype)
    assert comparable(back) == original
    assert back.status == "draft"


# ------------------------------------------------------------------------------- the shared files

# (imported, skipped) for each file read alone into an empty bank. The skipped ones are what gift.py skips
# (an essay, a description) and repeats: a question of the same type with the same prompt and answers as an earlier
# one. Moodle's examples ask about Grant's tomb in many ways; those with other types or answers are kept.
SHARED_COUNTS = {
    "GIFT-grammar-PEG.js__escapeAll.gift": (1, 0),
    # Lines 11 and 19 repeat lines 7 and 3; line 13 asks line 9's question with another answer and tolerance.
    "GIFT-grammar-PEG.js__numerical1.gift": (8, 2),
    "GIFT-grammar-PEG.js__multiLineFeedback1.gift": (2, 0),
    # 17 of the 43 repeat an earlier question: the second copy of the examples (lines 167-175), {F} and {FALSE}, ...
    "moodle__examples.txt": (26, 17),
    "moodle__questions_in_category.gift.txt": (4, 0),
    # An essay, a description and 3.14159 (more decimals than we keep); its three Grant's birth years differ.
    "pygiftparser__gift_file_categories.txt": (16, 3),
    # Lines 248 and 256 share a prompt but have different right answers.
    "pygiftparser__test5.txt": (40, 0),
}


@needs_shared_gift
def test_every_shared_file_has_expected_counts():
    assert sorted(p.name for p in SHARED_GIFT.iterdir() if p.name != "SOURCES.md") == sorted(SHARED_COUNTS)


@needs_shared_gift
@pytest.mark.parametrize("name", list(SHARED_COUNTS))
def test_shared_file_imports_and_skips_the_expected_questions(db, name):
    output = run("import_gift", str(SHARED_GIFT / name))
    imported, skipped = SHARED_COUNTS[name]
    assert f"{imported} imported, {skipped} skipped" in output
    assert Question.objects.count() == imported
    assert set(Question.objects.values_list("status", "key")) == {("draft", "")}
    assert len(output.splitlines()) == imported + skipped + 1


@needs_shared_gift
def test_shared_category_file_files_its_questions_under_a_new_topic(db):
    run("import_gift", str(SHARED_GIFT / "moodle__questions_in_category.gift.txt"))
    topic = Topic.objects.get()
    assert (topic.slug, topic.name) == ("default-for-new-features", "Default for New Features")
    assert topic.questions.count() == 4


@needs_shared_gift
def test_moodles_examples_keep_each_type_asked_with_the_same_text(db):
    output = run("import_gift", str(SHARED_GIFT / "moodle__examples.txt"))
    grant = Question.objects.filter(prompt="Who's buried in Grant's tomb?").order_by("id")
    assert [q.type for q in grant] == ["single", "short_text"]  # lines 8 and 14; their later copies skipped
    japan = Question.objects.filter(prompt__startswith="Japanese characters originally").order_by("id")
    assert [q.type for q in japan] == ["single", "short_text"]
    assert Question.objects.filter(prompt__startswith="What two people are entombed", type="multiple").count() == 1
    assert "line 136: skipped: duplicate: same type, prompt and answers as question at line 130" in output
    born = Question.objects.filter(prompt__startswith="When was Ulysses S. Grant born?").order_by("id")
    assert [(q.number, q.tolerance) for q in born] == [(Decimal(1822), Decimal(1)), (Decimal(1822), 0), (1822, 5)]


@needs_shared_gift
def test_importing_a_shared_file_twice_adds_nothing_the_second_time(db):
    path = str(SHARED_GIFT / "pygiftparser__test5.txt")
    run("import_gift", path)
    assert "0 imported, 40 skipped" in run("import_gift", path)
    assert Question.objects.count() == 40


@needs_shared_gift
@pytest.mark.parametrize("name", ["moodle__examples.txt", "pygiftparser__gift_file_categories.txt"])
def test_imported_drafts_can_be_exported_with_status_draft_and_come_back_the_same(db, tmp_path, name):
    run("import_gift", str(SHARED_GIFT / name))
    imported = sorted((comparable(q) for q in Question.objects.all()), key=repr)
    assert run("export_gift") == ""  # published only, by default: these are drafts
    text = run("export_gift", "--status", "draft")
    assert text.count("::") // 2 == len(imported)  # each titled
    Question.objects.all().delete()
    (tmp_path / "again.gift").write_text(text, encoding="utf-8")
    output = run("import_gift", str(tmp_path / "again.gift"))
    assert f"{len(imported)} imported, 0 skipped" in output
    assert sorted((comparable(q) for q in Question.objects.all()), key=repr) == imported


def test_export_gift_status_chooses_published_drafts_or_all(db):
    published = factories.QuestionFactory(prompt="Who chaired the MRC?")
    draft = factories.QuestionFactory(prompt="Who wrote the April Theses?", status="draft")
    factories.QuestionFactory(prompt="A teacher's own draft", status="draft", owner=factories.TeacherFactory())
    assert published.prompt in run("export_gift") and draft.prompt not in run("export_gift")
    only_drafts = run("export_gift", "--status", "draft")
    assert draft.prompt in only_drafts and published.prompt not in only_drafts
    everything = run("export_gift", "--status", "all")
    assert draft.prompt in everything and published.prompt in everything
    assert "A teacher's own draft" not in everything  # the shared bank only
    with pytest.raises(CommandError, match="invalid choice: 'mine'"):
        run("export_gift", "--status", "mine")
