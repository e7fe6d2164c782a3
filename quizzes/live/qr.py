"""A QR code of a join address, drawn on the server as inline SVG (segno), for the projector's lobby."""

from __future__ import annotations

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, label: str) -> SafeString:
    """The code as an <svg> element that scales with its box (no width or height of its own), dark on white with
    the quiet zone the standard asks for, announced to screen readers as `label`."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        title=label,
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S308
