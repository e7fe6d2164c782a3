"""Template helpers of sources: the link under a quoted passage that opens the whole source at it."""

from django import template
from django.urls import reverse

from quizzes.permissions import can_read_in_context

register = template.Library()


@register.simple_tag(takes_context=True)
def context_url(context, citation, attempt=None) -> str:
    """The URL of "Read it in context" for this passage in this attempt, or "" when the student may not read the
    source there (quizzes.permissions.can_read_in_context; it queries only when the source allows it)."""
    request = context.get("request")
    if request is None or attempt is None or not getattr(citation.source, "allow_context", False):
        return ""
    if not can_read_in_context(request.user, citation, attempt):
        return ""
    return reverse("source_context", args=[citation.pk, attempt.pk]) + f"#p{citation.paragraph}"
