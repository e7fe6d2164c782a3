"""Django admin manages every source and its text; a text change that breaks a quote is refused with the list."""

from html import unescape

import pytest
from django.urls import reverse

from quizzes.models import Source
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def admin_client(db):
    return client_for(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))


def form_of(source: Source, **changes) -> dict:
    data = {
        "file_name": source.file_name,
        "author": source.author,
        "title": source.title,
        "category": source.category,
        "kind": source.kind,
        "year": source.year or "",
        "date": "",
        "calendar": "",
        "published_in": "",
        "standpoint": "",
        "owner": source.owner_id or "",
        "visibility": source.visibility,
        "rights_confirmed": "on",
        "upload_name": "",
        "text": "\n\n".join(source.paragraphs.values_list("text", flat=True)),
    }
    return data | changes


def test_admin_lists_and_shows_every_source_with_its_text(admin_client):
    source = factories.TeacherSourceFactory()
    factories.SourceFactory()
    listing = unescape(admin_client.get(reverse("admin:quizzes_source_changelist")).content.decode())
    assert source.title in listing and "Lenin and the October Coup" in listing
    page = unescape(admin_client.get(reverse("admin:quizzes_source_change", args=[source.pk])).content.decode())
    assert "Military Revolutionary Committee took the bridges" in page


def test_admin_changes_the_text(admin_client):
    source = factories.TeacherSourceFactory()
    url = reverse("admin:quizzes_source_change", args=[source.pk])
    response = admin_client.post(url, form_of(source, text="A new text.\n\nIn two paragraphs."))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.paragraph_count == 2
    assert list(source.paragraphs.values_list("text", flat=True)) == ["A new text.", "In two paragraphs."]


def test_admin_refuses_a_text_that_breaks_a_quote_and_lists_the_question(admin_client):
    source = factories.TeacherSourceFactory()
    question = factories.quoting_question(source, source.owner)
    url = reverse("admin:quizzes_source_change", args=[source.pk])
    response = admin_client.post(url, form_of(source, text="Something else."))
    assert response.status_code == 200
    assert f"question {question.pk}: Did the MRC take the telegraph?" in unescape(response.content.decode())
    assert source.paragraphs.count() == 3
