"""Authoring: quiz sets (hand-picked or drawn by a rule), the builder and teachers' own questions."""
