"""Template helpers: dates in words and the few inline SVG icons."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_ICONS = {
    "check": '<path d="M4 12.5l5 5L20 6.5" />',
    "cross": '<path d="M6 6l12 12M18 6L6 18" />',
    "partial": '<path d="M5 12h14" />',
    "clock": '<circle cx="12" cy="12" r="8.5" /><path d="M12 7.5V12l3 2" />',
    "quote": '<path d="M6 17c2-1 3-3 3-6H6V7h5v4c0 4-2 7-5 8zM14 17c2-1 3-3 3-6h-3V7h5v4c0 4-2 7-5 8z" />',
}


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline SVG icon; with a label it is announced, without one it is decoration."""
    a11y = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24" width="20" height="20" {} focusable="false">{}</svg>',
        name,
        a11y,
        mark_safe(_ICONS.get(name, "")),
    )


@register.filter
def when_words(moment, now=None) -> str:
    """'today 14:00', 'tomorrow 09:00', 'Friday 14:00' within a week, else '3 Nov 14:00'."""
    if not moment:
        return ""
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(moment)
    days = (local.date() - now.date()).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days == -1:
        return f"yesterday {clock}"
    if 1 < days < 7:
        return f"{local.strftime('%A')} {clock}"
    return (
        f"{local.day} {local.strftime('%b')} {local.year} {clock}"
        if abs(days) > 300
        else (f"{local.day} {local.strftime('%b')} {clock}")
    )


@register.filter
def minutes_seconds(seconds) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


@register.filter
def duration_words(delta: timedelta | None) -> str:
    if not delta:
        return ""
    minutes = round(delta.total_seconds() / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None
