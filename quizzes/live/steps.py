"""Step events: the phone's new state carried by the event stream itself, rendered once for the whole class.

When the teacher opens the next question or reveals the answer, every phone in the room needs its new state at the
same moment. Fetched one by one (the ``changed`` event), that is a class's worth of page requests in the same
second: two thousand in Kahoot's largest rooms. Instead, for these two steps, each process renders the phone's
live region once, with markers where a player's own parts go (their score; after the reveal, their verdict and
answer), reads every player's answers in one query, and each stream puts its own player's parts in and sends the
region as a ``step`` event, which htmx swaps in place (``sse-swap="step"``).

Anything else (a pause, more time, a skip, the end, a reconnect, a player this process does not know yet, a
player who already answered the new question) goes on as before: a ``changed`` event, and the phone fetches its
region. The database stays the truth: a step is read from it after the change was committed, and a version that
moved on meanwhile gives no step (the stream falls back to ``changed``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import get_template, render_to_string
from django.utils.html import escape

from quizzes.bank.presentation import QuestionPreview
from quizzes.live.selectors import PhoneState, fill_mine, open_position, shared_phone_state
from quizzes.models import LiveAnswer, LivePlayer, LiveSession

State = LiveSession.State
PLAY = "quizzes/live/play.html"
VERDICT = "quizzes/live/partials/phone_reveal.html#phone-verdict"
SCORE = f"{PLAY}#phone-score"
# Where the shared render leaves room for a player's own parts (the templates write these when `shared` is set).
SCORE_MARK = "<!--mine:score-->"
VERDICT_MARK = "<!--mine:verdict-->"

QUESTION = "question"
REVEAL = "reveal"


def step_kind(shown: tuple, now: tuple) -> str | None:
    """Which step the phone takes from what it shows to what the session now is, if it is one carried by the
    stream: a question it has not seen yet, or the reveal of the question it shows. (Both tuples are the stream's
    Sighting.phone: state, position, closes_at, seconds left when paused.)"""
    if len(shown) < 2 or len(now) < 2:
        return None
    state, position = now[0], now[1]
    if state == State.QUESTION and position != shown[1]:
        return QUESTION
    if state == State.REVEAL and shown[0] in (State.QUESTION, State.PAUSED) and shown[1] == position:
        return REVEAL
    return None


@dataclass(frozen=True)
class Mine:
    """One player as a step needs them: their name, score, and answer to the question on screen."""

    nickname: str
    score: Decimal
    answer: LiveAnswer | None
    removed: bool


def sse_data(text: str) -> str:
    """Text as the lines of an SSE event's data, without the first ``data: `` (EventSource joins them with newlines,
    so the page gets the text back; only CR and LF break a line there)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\ndata: ")


def step_event(version: int, region: str) -> bytes:
    """An SSE event whose data is the region."""
    return f"event: step\nid: {version}\ndata: {sse_data(region)}\n\n".encode()


# Where a memoised score line leaves room for the player's name: a private-use character no template writes.
NICKNAME_MARK = "\ue000"


@dataclass
class Step:
    """A step's region rendered once, and what each player of the session adds to it.

    A class's phones differ only in a few parts (a score; after the reveal, a verdict on one of a handful of
    answers), so each distinct part is rendered once and each phone's event is joined from bytes already made: the
    cost of a step grows with the class by a dictionary lookup and a copy per phone, not a template render."""

    version: int
    kind: str
    html: str
    players: dict[int, Mine]
    shared: PhoneState
    _pieces: tuple[bytes, ...] = field(default=(), repr=False)
    _with_verdict: bool = field(default=False, repr=False)
    _scores: dict[Decimal, str] = field(default_factory=dict, repr=False)
    _verdicts: dict[tuple, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # The event around the player's parts: before the score, between score and verdict, after the verdict.
        head = f"event: step\nid: {self.version}\ndata: "
        before, _, rest = sse_data(self.html).partition(SCORE_MARK)
        middle, mark, after = rest.partition(VERDICT_MARK)
        self._with_verdict = bool(mark) and self.kind == REVEAL
        if not self._with_verdict:
            middle, after = middle + mark + after, ""
        self._pieces = ((head + before).encode(), middle.encode(), (after + "\n\n").encode())

    def playing(self, player_id: int) -> Mine | None:
        """The player, if their phone takes this step from the stream: not unknown here, removed, or already
        answered the question being opened (those fetch their region)."""
        mine = self.players.get(player_id)
        if mine is None or mine.removed or (self.kind == QUESTION and mine.answer is not None):
            return None
        return mine

    def score_html(self, mine: Mine) -> str:
        line = self._scores.get(mine.score)
        if line is None:
            line = self._scores[mine.score] = render_score(Mine(NICKNAME_MARK, mine.score, None, False))
        return line.replace(NICKNAME_MARK, escape(mine.nickname))

    def verdict(self, mine: Mine) -> bytes:
        answer = mine.answer
        key = (
            None
            if answer is None
            else (json.dumps(answer.answer, sort_keys=True), answer.is_correct, answer.points, answer.speed_bonus)
        )
        part = self._verdicts.get(key)
        if part is None:
            part = self._verdicts[key] = sse_data(render_verdict(self.shared, mine)).encode()
        return part

    def region_for(self, player_id: int) -> str | None:
        """The player's region, or None when their phone must fetch it instead."""
        mine = self.playing(player_id)
        if mine is None:
            return None
        html = self.html.replace(SCORE_MARK, self.score_html(mine), 1)
        if self.kind == REVEAL:
            html = html.replace(VERDICT_MARK, render_verdict(self.shared, mine), 1)
        return html

    def event_for(self, player_id: int) -> bytes | None:
        """The player's step event (the region_for's, as step_event writes it), or None."""
        mine = self.playing(player_id)
        if mine is None:
            return None
        before, middle, after = self._pieces
        score = sse_data(self.score_html(mine)).encode()
        if self._with_verdict:
            return b"".join((before, score, middle, self.verdict(mine), after))
        return b"".join((before, score, middle, after))


def render_score(mine: Mine) -> str:
    return get_template(SCORE).render({"nickname": mine.nickname, "score": mine.score})


def render_verdict(shared: PhoneState, mine: Mine) -> str:
    state = replace(shared, my_answer=None, my_answer_text="", my_answer_lines=None)
    fill_mine(state, shared.question.question, mine.answer, shared.session)
    return get_template(VERDICT).render({"state": state})


def read_step(pk: int, version: int, kind: str) -> Step | None:
    """The step to the session's given version, read and rendered once (plus the question's content
    when not cached) in 4 queries: the session, its questions, the answers to the question on screen, and the
    players with their scores summed by the database; None if the session is at another version or shows no
    question."""
    session = LiveSession.objects.filter(pk=pk).first()
    if session is None or session.version != version or kind not in (QUESTION, REVEAL):
        return None
    shared, skipped = shared_phone_state(session)
    if shared.question is None:
        return None
    context = {
        "shared": True,
        "state": shared,
        "session": session,
        "player": None,
        "card": QuestionPreview(presentation=shared.presentation),
        "error": "",
    }
    html = render_to_string(f"{PLAY}#phone-state", context)
    on_screen = {
        answer.player_id: answer
        for answer in LiveAnswer.objects.filter(session_id=pk, position=session.position).only(
            "player_id", "position", "answer", "is_correct", "points", "speed_bonus"
        )
    }
    players = {
        player_id: Mine(nickname=nickname, score=score, answer=on_screen.get(player_id), removed=removed_at is not None)
        for player_id, nickname, removed_at, score in LivePlayer.objects.filter(session_id=pk)
        .annotate(score=scores_summed(session, skipped))
        .values_list("pk", "nickname", "removed_at", "score")
    }
    return Step(version=version, kind=kind, html=html, players=players, shared=shared)


def scores_summed(session: LiveSession, skipped: set[int]):
    """Each player's score as the database sums it, as score_of does: points and speed bonus of the questions
    revealed or passed, not skipped ones."""
    left_out = set(skipped)
    if (still_open := open_position(session)) is not None:
        left_out.add(still_open)
    counted = ~Q(answers__position__in=left_out) if left_out else Q()
    total = Sum(F("answers__points") + F("answers__speed_bonus"), filter=counted, output_field=SCORE_FIELD)
    return Coalesce(total, Value(Decimal(0)), output_field=SCORE_FIELD)


SCORE_FIELD = DecimalField(max_digits=10, decimal_places=2)
