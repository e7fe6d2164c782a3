"""Live sessions on the web: the teacher's start form, projector, remote and controls; the student's one-tap join,
the guest's join by code and nickname; the phone page and its answers.

Every page works without JavaScript (forms, redirects, a Refresh link). With JavaScript, the projector's and the
phone's live region (`#live-state`) fetches itself again when the event stream (quizzes.live.stream) says the
session changed, and the controls and answers swap that region in place.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quizzes.bank.answers import AnswerError, parse_answer
from quizzes.bank.presentation import QuestionPreview
from quizzes.htmx import HtmxHttpRequest, redirect_page, refused, render_page_or_partial
from quizzes.live import services
from quizzes.live.chart import reveal_bars
from quizzes.live.forms import GuestJoinForm, LiveCodeGuesses, LiveStartForm
from quizzes.live.qr import qr_svg
from quizzes.live.selectors import phone_state, player_for, projector_state, teacher_session
from quizzes.live.services import LiveRefused
from quizzes.models import LivePlayer, LiveSession
from quizzes.permissions import teacher_required
from quizzes.throttle import client_address

START = "quizzes/live/start.html"
PROJECTOR = "quizzes/live/projector.html"
REMOTE = "quizzes/live/remote.html"
PLAY = "quizzes/live/play.html"
GUEST_JOIN = "quizzes/live/guest_join.html"
# The teacher's two pages: the control form names the one to go back to (field `next`).
TEACHER_PAGES = {"projector": (PROJECTOR, "projector-state"), "remote": (REMOTE, "remote-state")}
# A guest's key per live session, kept in their Django session, so a refresh finds the same player.
GUEST_KEYS = "live_guest_keys"

CONTROLS = {
    "open_next": services.live_open_next,
    "reveal": services.live_reveal,
    "skip": services.live_skip,
    "pause": services.live_pause,
    "resume": services.live_resume,
    "add_time": services.live_add_time,
    "end": services.live_end,
}


# -- The teacher ----------------------------------------------------------------------------------------------------


@teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def live_start(request: HtmxHttpRequest) -> HttpResponse:
    """The start form (GET, also with ?classroom= and ?quiz_set= from the class and set pages); POST starts the
    session and leads to the projector."""
    initial = {name: request.GET[name] for name in ("classroom", "quiz_set") if request.GET.get(name, "").isdigit()}
    form = LiveStartForm(request.POST or None, teacher=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                session = services.live_session_start(teacher=request.user, **form.cleaned_data)
            except LiveRefused as refusal:
                form.add_error(None, str(refusal))
                status = refusal.status
            else:
                return redirect_page(request, reverse("live_projector", args=[session.pk]))
    running = LiveSession.objects.filter(teacher=request.user).exclude(state=LiveSession.State.ENDED)
    context = {"form": form, "running": running.select_related("classroom").order_by("-created_at")}
    return render_page_or_partial(request, START, "start-form", context, status=status)


@teacher_required
@require_safe
def live_projector(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _teacher_page(request, teacher_session(request.user, pk), "projector")


@teacher_required
@require_safe
def live_remote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _teacher_page(request, teacher_session(request.user, pk), "remote")


@teacher_required
@require_POST
def live_control(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One of the controls (field `action`); back to the page named by `next`, or its live region under htmx."""
    session = teacher_session(request.user, pk)
    page = _page_named(request.POST.get("next"))
    control = CONTROLS.get(request.POST.get("action", ""))
    if control is None:
        return _teacher_page(request, session, page, refusal="Choose one of the controls.", status=422)
    try:
        control(session=session, by=request.user)
    except LiveRefused as refusal:
        return _teacher_page(
            request, teacher_session(request.user, pk), page, refusal=str(refusal), status=refusal.status
        )
    return _after_change(request, pk, page)


@teacher_required
@require_POST
def live_player_remove(request: HtmxHttpRequest, pk: int, player_pk: int) -> HttpResponse:
    session = teacher_session(request.user, pk)
    player = get_object_or_404(LivePlayer, pk=player_pk, session=session)
    page = _page_named(request.POST.get("next"))
    try:
        services.live_player_remove(session=session, player=player, by=request.user)
    except LiveRefused as refusal:
        return _teacher_page(
            request, teacher_session(request.user, pk), page, refusal=str(refusal), status=refusal.status
        )
    if not request.htmx:
        messages.success(request, f"{player.nickname} is removed from the session.")
    return _after_change(request, pk, page)


def _page_named(name: str | None) -> str:
    return name if name in TEACHER_PAGES else "projector"


def _after_change(request: HtmxHttpRequest, pk: int, page: str) -> HttpResponse:
    if request.htmx:
        return _teacher_page(request, teacher_session(request.user, pk), page)
    return redirect(f"live_{page}", pk)


def _teacher_page(
    request: HtmxHttpRequest, session: LiveSession, page: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    template, partial = TEACHER_PAGES[page]
    if session.state == LiveSession.State.ENDED and session.assignment_id is None and session.position:
        # Ended, but its gradebook column was never written (the process died between the end and the column):
        # write it now (once, under the session's lock).
        session = services.live_record(session.pk) or session
    state = projector_state(session)
    session = state.session
    context = {"state": state, "session": session, "page": page, "refusal": refusal}
    if page == "projector":
        context.update(_projector_extras(request, state))
    return render_page_or_partial(request, template, partial, context, status=status)


def _projector_extras(request: HtmxHttpRequest, state) -> dict:
    """What only the projector shows: how to join (in the lobby), the question's parts as the class sees them
    (never marked), and the reveal's bars."""
    session = state.session
    extras: dict = {}
    if session.state == LiveSession.State.LOBBY:
        if session.allow_guests:
            join_url = request.build_absolute_uri(reverse("live_guest_join"))
            extras["join_url"] = join_url
            extras["qr"] = _qr(f"{join_url}?code={session.code}", f"QR code: join with code {session.code}")
        else:
            home_url = request.build_absolute_uri(reverse("student_dashboard"))
            extras["join_url"] = home_url
            extras["qr"] = _qr(home_url, "QR code: open October Quiz to join")
    if session.state == LiveSession.State.REVEAL:
        bars = reveal_bars(state.reveal_counts, state.most_chosen_wrong)
        extras["bars"] = bars
        extras["wrong_in_bars"] = any(bar.is_most_chosen_wrong for bar in bars)
    return extras


@lru_cache(maxsize=64)
def _qr(url: str, label: str):
    return qr_svg(url, label=label)


# -- Joining -------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def live_join(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A student of the class joins with one tap (the "Live now" banner on their dashboard)."""
    session = get_object_or_404(LiveSession, pk=pk)
    try:
        services.live_join(session=session, user=request.user)
    except LiveRefused as refusal:
        return refused(request, str(refusal), status=refusal.status)
    return redirect_page(request, reverse("live_play", args=[session.pk]))


@require_http_methods(["GET", "HEAD", "POST"])
def live_guest_join(request: HtmxHttpRequest) -> HttpResponse:
    """Anyone with the session's code joins by nickname, without an account; wrong codes are counted per address
    and past the limit refused with 429, as class codes are."""
    guesses = LiveCodeGuesses(address=client_address(request))
    if request.method == "POST" and guesses.too_many():
        # Not validated: the code must not be tried at all.
        return render_page_or_partial(
            request, GUEST_JOIN, "guest-form", {"form": GuestJoinForm(), "refusal": guesses.refusal()}, status=429
        )
    form = GuestJoinForm(request.POST or None, initial={"code": request.GET.get("code", "")[:40]})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            session = form.session
            keys = dict(request.session.get(GUEST_KEYS, {}))
            key = keys.get(str(session.pk)) or secrets.token_urlsafe(32)
            try:
                services.live_join(session=session, nickname=form.cleaned_data["nickname"], guest_key=key)
            except LiveRefused as refusal:
                form.add_error("nickname" if refusal.status == 422 else None, str(refusal))
                status = refusal.status
            else:
                keys[str(session.pk)] = key
                request.session[GUEST_KEYS] = keys
                return redirect_page(request, reverse("live_play", args=[session.pk]))
        if form.has_error("code", "wrong_code"):
            guesses.record_wrong()
    return render_page_or_partial(request, GUEST_JOIN, "guest-form", {"form": form}, status=status)


# -- The phone -----------------------------------------------------------------------------------------------------


@require_safe
def live_play(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(LiveSession, pk=pk)
    player = _player(request, session)
    if player is None:
        return _not_a_player(request, session)
    if request.htmx and request.GET.get("seen") == str(session.version):
        # The stream's first event on connecting names the version the page already shows: nothing to swap, and
        # swapping would take the focus from a keyboard user's answer (htmx leaves the page as it is on a 204).
        return HttpResponse(status=204)
    return _phone_page(request, player)


@require_POST
def live_answer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The player's answer to the current question: parsed as the quiz loop parses it (422 with a message when it
    is malformed), then saved once (live_answer refuses a second one, a closed question, a removed player)."""
    session = get_object_or_404(LiveSession, pk=pk)
    player = _player(request, session)
    if player is None:
        return _not_a_player(request, session)
    state = phone_state(player)
    position = _position(request.POST.get("position", ""))
    if position is None:
        return _phone_page(request, player, error="Your answer did not say which question it was for.", status=422)
    if state.is_removed:
        return _phone_page(request, player, error="The teacher removed you from this session.", status=403)
    if not state.can_answer or position != state.session.position:
        message = (
            "You have already answered this question: your first answer stands."
            if state.my_answer is not None and position == state.session.position
            else "That question is not open: here is where the class is now."
        )
        return _phone_page(request, player, error=message, status=409)
    try:
        answer = parse_answer(state.presentation, request.POST)
        services.live_answer(player=player, position=position, answer=answer)
    except AnswerError as error:
        return _phone_page(request, player, error=str(error), status=422)
    except LiveRefused as refusal:
        return _phone_page(request, player, error=str(refusal), status=refusal.status)
    if request.htmx:
        return _phone_page(request, player)
    return redirect("live_play", session.pk)


def _position(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return int(text)


def _player(request: HtmxHttpRequest, session: LiveSession) -> LivePlayer | None:
    user = request.user if request.user.is_authenticated else None
    guest_key = request.session.get(GUEST_KEYS, {}).get(str(session.pk), "")
    return player_for(user, session, guest_key)


def _not_a_player(request: HtmxHttpRequest, session: LiveSession) -> HttpResponse:
    if session.allow_guests and not request.user.is_authenticated:
        return refused(
            request,
            "You have not joined this live session yet.",
            status=403,
            back_url=f"{reverse('live_guest_join')}?code={session.code}",
            back_label="Join with a nickname",
        )
    return refused(request, "You have not joined this live session.", status=403)


def _phone_page(request: HtmxHttpRequest, player: LivePlayer, *, error: str = "", status: int = 200) -> HttpResponse:
    state = phone_state(player)
    context = {
        "state": state,
        "session": state.session,
        "player": state.player,
        "card": QuestionPreview(presentation=state.presentation) if state.presentation is not None else None,
        "error": error,
    }
    return render_page_or_partial(request, PLAY, "phone-state", context, status=status)
