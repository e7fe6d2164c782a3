"""Django admin for live sessions: lists and records to read, nothing to add or change."""

import pytest
from django.urls import reverse

from quizzes.live import services
from quizzes.models import User
from tests.conftest import client_for
from tests.live.running import answer, start


@pytest.fixture
def admin_client(db):
    return client_for(User.objects.create_superuser("head", "head@example.org", "admin-Passphrase-1917"))


def test_admin_shows_sessions_players_and_answers_and_changes_nothing(school, admin_client):
    session = start(school, allow_guests=True)
    player = services.live_join(session=session, user=school.student)
    services.live_join(session=session, nickname="Zina")
    services.live_open_next(session=session, by=school.teacher)
    saved = answer(player)
    for name, pk in (("livesession", session.pk), ("liveplayer", player.pk), ("liveanswer", saved.pk)):
        listing = admin_client.get(reverse(f"admin:quizzes_{name}_changelist"))
        assert listing.status_code == 200, name
        page = admin_client.get(reverse(f"admin:quizzes_{name}_change", args=[pk]))
        assert page.status_code == 200, name
        assert 'type="submit" value="Save"' not in page.content.decode(), name
        assert admin_client.get(reverse(f"admin:quizzes_{name}_add")).status_code == 403, name
    assert "Zina" in admin_client.get(reverse("admin:quizzes_livesession_change", args=[session.pk])).content.decode()
    search = admin_client.get(reverse("admin:quizzes_livesession_changelist"), {"q": session.code})
    assert session.title in search.content.decode()
