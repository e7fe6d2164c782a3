"""One decision for every URL that serves both a page and an HTMX fragment of it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """The named partial for an HTMX request, the whole page otherwise."""
    partial_wanted = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if partial_wanted else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    """Go to a whole new page: a client redirect under HTMX, a plain redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
