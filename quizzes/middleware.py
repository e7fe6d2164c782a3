"""Give a 405 a page that says what went wrong (Django's is empty)."""

from django.shortcuts import render


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
