"""The "Live now" banner on a student's dashboard: the dashboard (quizzes.attempts) knows nothing of live
sessions, which sit above it in the dependency order, so its template asks this tag."""

from django import template

from quizzes.live.selectors import running_session_for_student
from quizzes.permissions import is_student

register = template.Library()


@register.inclusion_tag("quizzes/live/partials/banner.html", takes_context=True)
def live_now_banner(context) -> dict:
    user = context["request"].user
    live = running_session_for_student(user) if is_student(user) else None
    return {"live": live, "csrf_token": context.get("csrf_token")}
