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

from dataclasses import dataclass, replace
from decimal import Decimal

from django.template.loader import get_template, render_to_string

from quizzes.bank.presentation import QuestionPreview
from quizzes.live.selectors import PhoneState, fill_mine, score_of, shared_phone_state
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


@dataclass
class Step:
    """A step's region rendered once, and what each player of the session adds to it."""

    version: int
    kind: str
    html: str
    players: dict[int, Mine]
    shared: PhoneState

    def region_for(self, player_id: int) -> str | None:
        """The player's region, or None when their phone must fetch it instead (unknown here, removed, or already
        answered the question being opened)."""
        mine = self.players.get(player_id)
        if mine is None or mine.removed or (self.kind == QUESTION and mine.answer is not None):
            return None
        html = self.html.replace(SCORE_MARK, render_score(mine), 1)
        if self.kind == REVEAL:
            html = html.replace(VERDICT_MARK, render_verdict(self.shared, mine), 1)
        return html

    def event_for(self, player_id: int) -> bytes | None:
        region = self.region_for(player_id)
        return None if region is None else step_event(self.version, region)


def step_event(version: int, region: str) -> bytes:
    """An SSE event whose data is the region (one data line per line of it)."""
    data = "".join(f"data: {line}\n" for line in region.splitlines())
    return f"event: step\nid: {version}\n{data}\n".encode()


def render_score(mine: Mine) -> str:
    return get_template(SCORE).render({"nickname": mine.nickname, "score": mine.score})


def render_verdict(shared: PhoneState, mine: Mine) -> str:
    state = replace(shared, my_answer=None, my_answer_text="", my_answer_lines=None)
    fill_mine(state, shared.question.question, mine.answer, shared.session)
    return get_template(VERDICT).render({"state": state})


def read_step(pk: int, version: int, kind: str) -> Step | None:
    """The step to the session's given version, read and rendered once (plus the question's content
    when not cached) in 4 queries; None if the session is at another version or shows no question."""
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
    answers: dict[int, list[LiveAnswer]] = {}
    for answer in LiveAnswer.objects.filter(session_id=pk).only(
        "player_id", "position", "answer", "is_correct", "points", "speed_bonus"
    ):
        answers.setdefault(answer.player_id, []).append(answer)
    players = {}
    for player_id, nickname, removed_at in LivePlayer.objects.filter(session_id=pk).values_list(
        "pk", "nickname", "removed_at"
    ):
        theirs = answers.get(player_id, [])
        players[player_id] = Mine(
            nickname=nickname,
            score=score_of(theirs, skipped, session),
            answer=next((a for a in theirs if a.position == session.position), None),
            removed=removed_at is not None,
        )
    return Step(version=version, kind=kind, html=html, players=players, shared=shared)
