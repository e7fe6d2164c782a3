"""Pages of our own where Django gives none or fails (a 405 that says what went wrong, a 400 for a request we cannot
read faithfully), and no caching of the pages a signed-in user sees."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


class MethodNotAllowedPageMiddleware:
    """Give a 405 a page that says what went wrong (Django's is empty)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", {"method": request.method}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


def declared_charset_problem(request: HttpRequest) -> str:
    """Why the request's declared charset cannot be read, or "": the app's pages are UTF-8, so are their forms.

    Django decodes a form in the charset its Content-Type declares: in latin-1 it reads other text than was meant,
    in utf-16 garbage, and a codec that is no text encoding (rot13, base64) raises LookupError, a 500."""
    charset = request.content_params.get("charset")
    if charset is None or charset.lower() == "utf-8":  # Django reads a form as UTF-8 only under that name
        return ""
    return "It declared its text to be in a character set other than UTF-8, which this site does not read."


def nul_problem(request: HttpRequest) -> str:
    """Why the request's address or form holds text we cannot keep, or "": no one types a NUL character, and
    PostgreSQL refuses to store or compare text that holds one."""
    if "\x00" in request.path:
        return "Its address held a NUL character."
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return "It held a NUL character, which no form of this site accepts."
    return ""


class UnreadableRequestMiddleware:
    """Refuse, with our 400 page, a request we cannot read faithfully (a charset other than UTF-8, a NUL character),
    before any view, form or query sees it. Placed after the middleware that set the page's headers (CSP, frames),
    so the 400 page has them too; nothing reads the form before (CSRF does so in process_view, after this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = declared_charset_problem(request) or nul_problem(request)
        if problem:
            return render(request, "400.html", {"problem": problem}, status=400)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user (pages, htmx fragments, CSV downloads) says ``Cache-Control: no-store``
    (with Django's never_cache headers): on a shared classroom computer the browser then keeps no copy of one
    student's results or a teacher's gradebook for the next person to find with the Back button or in its cache.
    Static files are served by WhiteNoise before this runs, and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
