"""The floor: the least a logged-in POST can do on this stack (session, user, CSRF, one INSERT)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, user_id bigint, at timestamptz DEFAULT now())"
)


@login_required
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (user_id) VALUES (%s)", [request.user.pk])
    return HttpResponse("saved", content_type="text/plain")
