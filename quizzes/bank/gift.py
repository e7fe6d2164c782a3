"""Import and export of GIFT, Moodle's plain-text question format, to and from our question dicts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from quizzes.bank.numbers import ANY_NUMBER, NotANumber, NumberOutOfRange, read_number, shown
from quizzes.bank.rules import question_problems

# How we read GIFT, where the Moodle docs leave room (see "GIFT format" in the Moodle docs):
# - We follow Moodle's own importer (question/format/gift/format.php): lines are trimmed, a blank line
#   ends a question, "//" starts a comment only at the start of a line, the question type comes from
#   the answer block ("#" numeric, any "~" choices, "=" with "->" matching, T/F true-false, else
#   short answer), "=" among choices makes a single-choice question, and an answer block followed by
#   text leaves "_____" in the prompt (so "{#4}." gives "... _____.").
# - T, TRUE, F and FALSE are read in any case ({t} is true-false, as in GIFT-grammar-PEG.js).
# - Things our questions cannot hold are dropped and listed in question["notes"] (present only when
#   there is something to say): partial credit, extra numeric answers, feedback on short and numeric
#   answers, matching distractors (a "= -> x" answer with no left side).
# - topics are GIFT category names, not our topic vocabulary, so the topic rule of
#   question_problems() is not applied at import; the caller maps them.
# - Ordering is not a GIFT type: we export it as matching with left sides "1", "2", ..., and it
#   comes back as a matching question.

FORMATS = ("moodle", "html", "plain", "markdown")
BLANK = "_____"

_TRIM = " \t\r\n\f\v\0"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Escaped characters become private-use placeholders while the structure is read, so that "\{" can
# never open an answer block; they are turned back into text at the end (Moodle does the same).
_PLACEHOLDERS = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005"}
_PLACEHOLDERS |= {"~": "\ue006", "n": "\ue007"}
_RESTORE = str.maketrans({mark: ("\n" if char == "n" else char) for char, mark in _PLACEHOLDERS.items()})
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]")
_SPECIAL = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""}
)


@dataclass
class GiftItem:
    """One question of a GIFT file: imported as a question dict, or skipped with the reason."""

    line: int
    status: str  # "imported" | "skipped"
    reason: str
    question: dict | None
    title: str


class GiftSyntaxError(ValueError):
    """A question that is not valid GIFT; ``line`` is the 1-based line of the problem."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


class _Malformed(Exception):
    """Bad GIFT inside an answer block; becomes a GiftSyntaxError with the block's line."""


class _Skip(Exception):
    """Valid GIFT that October Quiz cannot hold (an essay, a description, ...)."""


@dataclass
class _Source:
    """One question's text with escapes replaced by placeholders, and the file line of each line."""

    text: str
    line_numbers: list[int]

    def line_at(self, offset: int) -> int:
        return self.line_numbers[self.text.count("\n", 0, offset)]

    def error(self, message: str, offset: int) -> GiftSyntaxError:
        return GiftSyntaxError(message, self.line_at(offset))


# ----------------------------------------------------------------------------------------- import


def parse_gift(text: str, *, keep_good: bool = False) -> list[GiftItem]:
    """One GiftItem per question of a GIFT file, in file order.

    A question that is not valid GIFT raises GiftSyntaxError, or with ``keep_good`` becomes a
    skipped item whose reason starts with "syntax error:".
    """
    items: list[GiftItem] = []
    topics: list[str] = []
    for block in _blocks(text):
        while block and block[0][1].startswith("$CATEGORY:"):
            topics = _category_topics(block[0][1])
            block = block[1:]
        if not block:
            continue
        try:
            items.append(_read_question(block, topics))
        except GiftSyntaxError as error:
            if not keep_good:
                raise
            items.append(GiftItem(block[0][0], "skipped", f"syntax error: {error}", None, ""))
    return items


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """The file's questions as (line number, trimmed line) lists, split at blank lines, comments left out."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), start=1):
        line = raw.strip(_TRIM)
        if not line:
            if current:
                blocks.append(current)
            current = []
        elif not line.startswith("//"):
            current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _category_topics(line: str) -> list[str]:
    """["c"] for "$CATEGORY: $course$/top/a/b/c"; a doubled slash is a slash inside a name."""
    path = line.removeprefix("$CATEGORY:").strip(_TRIM)
    path = re.sub(r"^\$\w+\$(?:/(?!/)|$)", "", path)
    path = re.sub(r"^top(?:/(?!/)|$)", "", path)
    names = [name.replace("//", "/").strip(_TRIM) for name in re.split(r"(?<!/)/(?!/)", path)]
    return [name for name in names if name][-1:]


def _read_question(block: list[tuple[int, str]], topics: list[str]) -> GiftItem:
    start = block[0][0]
    source = _Source(
        "\n".join(_ESCAPE_RE.sub(lambda m: _PLACEHOLDERS[m.group(1)], line) for _, line in block),
        [number for number, _ in block],
    )
    title, body_start = _read_title(source)
    braces = _answer_block(source, body_start)
    if braces is None:
        return GiftItem(start, "skipped", "description (no answer block): not a question", None, title)
    opening, closing = braces
    text_format, prompt = _read_prompt(source, body_start, opening, closing)
    answer, explanation = _split_general_feedback(source.text[opening + 1 : closing])
    try:
        fields, notes = _read_answer(answer)
    except _Skip as skip:
        return GiftItem(start, "skipped", str(skip), None, title)
    except _Malformed as malformed:
        raise source.error(str(malformed), opening) from None
    if "@@PLUGINFILE@@" in source.text:
        notes.append("refers to @@PLUGINFILE@@ files, which a GIFT file does not carry")
    question = _question_dict(fields, prompt, title, explanation, topics, text_format, notes)
    problems = question_problems({**question, "topics": []}, None, require_evidence=False)
    if problems:
        return GiftItem(start, "skipped", "; ".join(problems), None, title)
    return GiftItem(start, "imported", "", question, title)


def _question_dict(
    fields: dict, prompt: str, title: str, explanation: str, topics: list[str], text_format: str, notes: list[str]
) -> dict:
    question = {"type": fields.pop("type"), "prompt": prompt}
    if title:
        question["title"] = title
    question |= fields
    question |= {"explanation": explanation, "topics": list(topics), "difficulty": 2, "status": "draft"}
    question |= {"citations": [], "format": text_format}
    if notes:
        question["notes"] = notes
    return question


def _read_title(source: _Source) -> tuple[str, int]:
    """The ::title:: and the offset where the question text starts."""
    if not source.text.startswith("::"):
        return "", 0
    end = source.text.find("::", 2)
    if end < 0:
        raise source.error("'::' opens a title that is never closed (write \\: for a literal colon)", 0)
    return _restore(source.text[2:end]), end + 2


def _answer_block(source: _Source, start: int) -> tuple[int, int] | None:
    """Offsets of the answer block's braces, None when there is none."""
    braces = [(m.start(), m.group()) for m in re.finditer(r"[{}]", source.text[start:])]
    braces = [(start + offset, brace) for offset, brace in braces]
    if not braces:
        return None
    if braces[0][1] == "}":
        raise source.error("'}' without an opening '{' (write \\} for a literal brace)", braces[0][0])
    if len(braces) == 1:
        message = "'{' is never closed: no '}' before the blank line that ends the question"
        raise source.error(message, braces[0][0])
    if braces[1][1] == "{":
        raise source.error("'{' inside an answer block (write \\{ for a literal brace)", braces[1][0])
    if len(braces) > 2:
        message = "a second answer block: separate questions with a blank line, or write \\{ and \\}"
        raise source.error(message, braces[2][0])
    return braces[0][0], braces[1][0]


def _read_prompt(source: _Source, start: int, opening: int, closing: int) -> tuple[str, str]:
    """(format, prompt); text after the answer block makes it a missing-word question."""
    before, after = source.text[start:opening], source.text[closing + 1 :]
    text = (before + BLANK + after if after.strip(_TRIM) else before).strip(_TRIM)
    match = _FORMAT_RE.match(text)
    if match:
        return match.group(1), _restore(text[match.end() :])
    return "moodle", _restore(text)


def _split_general_feedback(answer: str) -> tuple[str, str]:
    """(answers, general feedback): the feedback follows the last "####"."""
    answer = answer.strip(_TRIM)
    separator = answer.rfind("####")
    if separator < 0:
        return answer, ""
    return answer[:separator].strip(_TRIM), _restore(answer[separator + 4 :])


def _restore(text: str) -> str:
    return text.translate(_RESTORE).strip(_TRIM)


def _answer_kind(answer: str) -> str:
    if not answer:
        return "essay"
    if answer.startswith("#"):
        return "numeric"
    if "~" in answer:
        return "choice"
    if "=" in answer and "->" in answer:
        return "matching"
    if answer.partition("#")[0].strip(_TRIM).upper() in _TRUE_FALSE:
        return "true_false"
    return "short_text"


def _read_answer(answer: str) -> tuple[dict, list[str]]:
    """The question's type and answer fields, and notes on what could not be kept."""
    kind = _answer_kind(answer)
    if kind == "essay":
        raise _Skip("essay question ({}): needs marking by hand, which October Quiz does not do")
    return _ANSWER_READERS[kind](answer)


def _split_answers(answer: str, markers: str) -> list[tuple[str, str]]:
    """(marker, text) per answer; text before the first marker is an answer too, as in Moodle."""
    pieces = re.split(f"([{markers}])", answer)
    answers = [("", pieces[0])] if pieces[0].strip(_TRIM) else []
    answers += zip(pieces[1::2], pieces[2::2], strict=True)
    return [(marker, text.strip(_TRIM)) for marker, text in answers]


def _take_weight(text: str, default: int) -> tuple[Decimal, str]:
    """The answer's %weight% (or the default) and the rest of its text."""
    match = _WEIGHT_RE.match(text)
    if not match:
        return Decimal(default), text
    return Decimal(match.group(1)), text[match.end() :].strip(_TRIM)


def _split_feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return _restore(answer), _restore(feedback)


def _read_choices(answer: str) -> tuple[dict, list[str]]:
    answers = _split_answers(answer, "~=")
    single = any(marker == "=" for marker, _ in answers)
    choices, partial = [], []
    for marker, text in answers:
        weight, text = _take_weight(text, 100 if marker == "=" else 0)
        text, feedback = _split_feedback(text)
        if single and 0 < weight < 100:
            partial.append(f"{text!r} ({_number_text(weight)}%)")
        choice = {"text": text, "correct": bool(weight >= 100 if single else weight > 0)}
        if feedback:
            choice["feedback"] = feedback
        choices.append(choice)
    notes = [f"partial credit dropped, now wrong: {', '.join(partial)}"] if partial else []
    return {"type": "single" if single else "multiple", "choices": choices}, notes


def _read_true_false(answer: str) -> tuple[dict, list[str]]:
    value, *feedback = answer.split("#", 2)
    fields: dict = {"type": "true_false", "answer": _TRUE_FALSE[value.strip(_TRIM).upper()]}
    for key, text in zip(("feedback_wrong", "feedback_right"), feedback, strict=False):
        if _restore(text):
            fields[key] = _restore(text)
    return fields, []


def _read_short_text(answer: str) -> tuple[dict, list[str]]:
    accepted, partial, has_feedback = [], [], False
    for _, text in _split_answers(answer, "="):
        weight, text = _take_weight(text, 100)
        text, feedback = _split_feedback(text)
        has_feedback = has_feedback or bool(feedback)
        if weight >= 100 and text:
            accepted.append(text)
        elif text:
            partial.append(f"{text!r} ({_number_text(weight)}%)")
    notes = [f"partial-credit answers dropped: {', '.join(partial)}"] if partial else []
    if has_feedback:
        notes.append("answer feedback dropped: short-text questions have none")
    return {"type": "short_text", "accepted": accepted}, notes


def _read_numeric(answer: str) -> tuple[dict, list[str]]:
    answer, tilde, _ = answer[1:].partition("~")
    notes = ["feedback for wrong answers (~) dropped"] if tilde else []
    entries = []
    for _, text in _split_answers(answer, "="):
        weight, text = _take_weight(text, 100)
        value, feedback = _split_feedback(text)
        entries.append((weight, value, *_numeric_value(value), feedback))
    if not entries:
        raise _Malformed("numeric answer block has no answer")
    kept = next((entry for entry in entries if entry[0] >= 100), None)
    if kept is None:
        raise _Skip("numeric question has no full-credit (100%) answer")
    dropped = [f"{entry[1]} ({_number_text(entry[0])}%)" for entry in entries if entry is not kept]
    if dropped:
        notes.append(f"kept only the 100% answer {kept[1]}; dropped {', '.join(dropped)}")
    if any(entry[4] for entry in entries):
        notes.append("answer feedback dropped: numeric questions have none")
    return {"type": "numeric", "number": _number_text(kept[2]), "tolerance": _number_text(kept[3])}, notes


def _numeric_value(value: str) -> tuple[Decimal, Decimal]:
    """(number, tolerance) from "3", "3:1" or the range "1..5"."""
    low, dots, high = value.partition("..")
    if dots and low:
        low_number, high_number = _decimal(low), _decimal(high)
        return (low_number + high_number) / 2, (high_number - low_number) / 2
    number, colon, tolerance = value.partition(":")
    return _decimal(number), _decimal(tolerance) if colon else Decimal(0)


def _decimal(text: str) -> Decimal:
    """A number of the file within quizzes.bank.numbers.ANY_NUMBER, before any arithmetic or formatting: "1e999999999"
    is a number to Decimal, and writing it out takes a billion digits. Whether the question can hold it is the
    bank's rules' business (Numeric.problems)."""
    text = text.strip(_TRIM)
    try:
        return read_number(text, ANY_NUMBER)
    except NumberOutOfRange:
        raise _Skip(f"numeric answer {shown(text)} is not {ANY_NUMBER.wanted}") from None
    except NotANumber:
        raise _Malformed(f"numeric answer {shown(text)} is not a number") from None


def _read_matching(answer: str) -> tuple[dict, list[str]]:
    pairs, distractors = [], []
    for _, text in _split_answers(answer, "="):
        left, arrow, right = text.partition("->")
        if not arrow:
            raise _Malformed(f"matching answer {_restore(text)!r} has no '->'")
        if _restore(left):
            pairs.append([_restore(left), _restore(right)])
        else:
            distractors.append(repr(_restore(right)))
    notes = [f"extra wrong answers dropped (our matching has none): {', '.join(distractors)}"] if distractors else []
    return {"type": "matching", "pairs": pairs}, notes


_ANSWER_READERS: dict[str, Callable[[str], tuple[dict, list[str]]]] = {
    "numeric": _read_numeric,
    "choice": _read_choices,
    "matching": _read_matching,
    "true_false": _read_true_false,
    "short_text": _read_short_text,
}


def _number_text(number: Decimal) -> str:
    return format(number, "f")


# ----------------------------------------------------------------------------------------- export


def export_gift(questions: list[dict]) -> str:
    """GIFT text for our question dicts, with a $CATEGORY line whenever the first topic changes.

    GIFT has one category per question, so only the first topic survives a round trip. Ordering, which
    GIFT lacks, is written as matching with left sides "1", "2", ... and reads back as matching.
    """
    chunks = []
    category = ""
    for question in questions:
        topic = str((question.get("topics") or [""])[0])
        if topic != category:
            chunks.append(_category_line(topic))
            category = topic
        chunks.append(_question_gift(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _category_line(topic: str) -> str:
    return "$CATEGORY: $course$/top" + (f"/{topic.replace('/', '//')}" if topic else "")


def _escape(text: object) -> str:
    return str(text).translate(_SPECIAL)


def _question_gift(question: dict) -> str:
    qtype = question.get("type")
    if qtype not in _ANSWER_WRITERS:
        raise ValueError(f"cannot export a question of type {qtype!r} to GIFT")
    text_format = question.get("format") or "plain"
    if text_format not in FORMATS:
        raise ValueError(f"unknown text format {text_format!r}; expected one of {', '.join(FORMATS)}")
    title = f"::{_escape(question['title'])}::" if question.get("title") else ""
    head = f"{title}[{text_format}]{_escape(question.get('prompt', ''))}"
    answers = _ANSWER_WRITERS[qtype](question)
    explanation = f"####{_escape(question['explanation'])}" if question.get("explanation") else ""
    if qtype in ("true_false", "numeric"):
        return f"{head}{{{answers[0]}{explanation}}}"
    lines = [f"\t{line}" for line in answers + ([explanation] if explanation else [])]
    return "\n".join([head + "{", *lines, "}"])


def _answer_text(marker: str, weight: str | None, text: object) -> str:
    """One answer; an explicit weight keeps a text that starts with "%" from being read as one."""
    escaped = _escape(text)
    if weight is None and escaped.startswith("%"):
        weight = "100" if marker == "=" else "0"
    return f"{marker}%{weight}%{escaped}" if weight is not None else f"{marker}{escaped}"


def _with_feedback(answer: str, choice: dict) -> str:
    return f"{answer}#{_escape(choice['feedback'])}" if choice.get("feedback") else answer


def _write_single(question: dict) -> list[str]:
    return [
        _with_feedback(_answer_text("=" if choice.get("correct") else "~", None, choice.get("text", "")), choice)
        for choice in question.get("choices") or []
    ]


def _write_multiple(question: dict) -> list[str]:
    choices = question.get("choices") or []
    right = sum(1 for choice in choices if choice.get("correct"))
    wrong = len(choices) - right
    lines = []
    for choice in choices:
        weight = Decimal(100) / right if choice.get("correct") else Decimal(-100) / wrong
        lines.append(_with_feedback(_answer_text("~", _weight_text(weight), choice.get("text", "")), choice))
    return lines


def _weight_text(weight: Decimal) -> str:
    """A percentage to 5 decimals, the precision of Moodle's own grade list (33.33333, 16.66667)."""
    return format(weight.quantize(Decimal("0.00001")), "f").rstrip("0").rstrip(".")


def _write_true_false(question: dict) -> list[str]:
    answer = "TRUE" if question.get("answer") else "FALSE"
    wrong, right = question.get("feedback_wrong") or "", question.get("feedback_right") or ""
    if right:
        return [f"{answer}#{_escape(wrong)}#{_escape(right)}"]
    return [f"{answer}#{_escape(wrong)}" if wrong else answer]


def _write_short_text(question: dict) -> list[str]:
    return [_answer_text("=", None, accepted) for accepted in question.get("accepted") or []]


def _write_numeric(question: dict) -> list[str]:
    numbers = []
    for value in (question.get("number"), question.get("tolerance", 0)):
        try:
            numbers.append(read_number(value, ANY_NUMBER))
        except NotANumber:
            raise ValueError(f"cannot export numeric question: {value!r} is not a number") from None
        except NumberOutOfRange as error:
            raise ValueError(f"cannot export numeric question: {value!r}: {error}") from None
    return [f"#{_number_text(numbers[0])}:{_number_text(numbers[1])}"]


def _write_matching(question: dict) -> list[str]:
    return [f"={_escape(left)} -> {_escape(right)}" for left, right in question.get("pairs") or []]


def _write_ordering(question: dict) -> list[str]:
    items = question.get("items") or []
    return _write_matching({"pairs": [[str(number), item] for number, item in enumerate(items, start=1)]})


_ANSWER_WRITERS: dict[str, Callable[[dict], list[str]]] = {
    "single": _write_single,
    "multiple": _write_multiple,
    "true_false": _write_true_false,
    "short_text": _write_short_text,
    "numeric": _write_numeric,
    "ordering": _write_ordering,
    "matching": _write_matching,
}
