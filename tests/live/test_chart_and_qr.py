"""The reveal's bars and the lobby's QR code, both drawn on the server."""

from quizzes.live.chart import reveal_bars
from quizzes.live.qr import qr_svg
from quizzes.live.selectors import RevealCount


def test_bars_carry_counts_shares_and_the_right_answer_in_words():
    bars = reveal_bars(
        [RevealCount("Lenin", 6, True), RevealCount("Kamenev", 3, False), RevealCount("Trotsky", 1, False)],
        RevealCount("Kamenev", 3, False),
    )
    assert [(b.label, b.count, b.percent, b.width) for b in bars] == [
        ("Lenin", 6, 60, 100),
        ("Kamenev", 3, 30, 50),
        ("Trotsky", 1, 10, 17),
    ]
    assert [b.is_correct for b in bars] == [True, False, False]
    assert [b.is_most_chosen_wrong for b in bars] == [False, True, False]


def test_no_answers_draw_empty_bars_and_no_highlight():
    bars = reveal_bars([RevealCount("True", 0, True), RevealCount("False", 0, False)], None)
    assert [(b.count, b.percent, b.width, b.is_most_chosen_wrong) for b in bars] == [(0, 0, 0, False)] * 2
    assert reveal_bars([], None) == []


def test_the_qr_code_is_an_inline_svg_with_a_name_and_no_inline_style():
    svg = qr_svg("https://quiz.example.org/live/join/?code=ABC123", label='Join with code "ABC123"')
    assert svg.startswith('<svg role="img" aria-label="Join with code &quot;ABC123&quot;"')
    assert "style" not in svg  # the Content Security Policy forbids inline styles
    assert "width=" not in svg.split(">")[0]  # it scales with its box
