"""How views answer HTMX and plain requests alike: a page or its fragment, a redirect, a changed region with a
notice, and a refusal. Every URL that serves both an HTMX fragment and a page varies on the HX-Request header."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

# The notice after a change, swapped into the page's status line (its id is the view's to give).
STATUS_OOB = "quizzes/status_oob.html"
# What a refused action answers: the reason, and a way back.
REFUSED = "quizzes/refused.html"


class HtmxHttpRequest(HttpRequest):
    """For type checkers: django-htmx's middleware gives every request `htmx`."""

    htmx: HtmxDetails


def render_page_or_partial(
    request: HtmxHttpRequest, template: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """The named partial for an HTMX request, the whole page otherwise."""
    partial_wanted = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if partial_wanted else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_page(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Go to a whole new page: a client redirect under HTMX, a plain redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def region_changed(
    request: HtmxHttpRequest,
    *,
    template: str,
    partial: str,
    context: dict,
    message: str,
    status_line: str,
    redirect_to: str,
    also: Iterable[tuple[str, dict]] = (),
) -> HttpResponse:
    """After a change: under HTMX, the page's region that changed (`template#partial`), any other regions that
    changed with it (`also`: templates that swap themselves out of band) and the message in the page's status line
    (the element with id `status_line`); without JavaScript, the message as a flash and a redirect to the page."""
    if not request.htmx:
        response = redirect(redirect_to)
        messages.success(request, message)
    else:
        parts = [render_to_string(f"{template}#{partial}", context, request)]
        parts += [render_to_string(name, extra, request) for name, extra in also]
        parts.append(render_to_string(STATUS_OOB, {"status_line": status_line, "message": message}, request))
        response = HttpResponse("".join(parts))
    patch_vary_headers(response, ["HX-Request"])
    return response


def refused(
    request: HtmxHttpRequest, message: str, *, status: int, back_url: str = "", back_label: str = ""
) -> HttpResponse:
    """A page that says why the action was refused, with a way back (by default, to the user's quizzes)."""
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, REFUSED, context, status=status)
