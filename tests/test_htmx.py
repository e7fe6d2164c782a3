"""quizzes.htmx: one way to answer a change (a region and a notice under HTMX, a flash and a redirect without
JavaScript) and one refusal page."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from quizzes.htmx import refused, region_changed

CLASS_PAGE = {"classroom": {"pk": 1, "join_code": "ABC123", "name": "History 10A"}, "signup_url": "/s"}


def request_for(*, htmx: bool):
    request = RequestFactory().post("/", headers={"HX-Request": "true"} if htmx else {})
    request.htmx = HtmxDetails(request)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def changed(request):
    return region_changed(
        request,
        template="quizzes/classroom/detail.html",
        partial="join-code",
        context=CLASS_PAGE,
        message="The new join code is ABC123.",
        status_line="class-status",
        redirect_to="/teach/classes/1/",
    )


def test_without_javascript_a_change_flashes_its_message_and_redirects(db):
    request = request_for(htmx=False)
    response = changed(request)
    assert response.status_code == 302 and response.url == "/teach/classes/1/"
    assert [str(m) for m in get_messages(request)] == ["The new join code is ABC123."]
    assert "HX-Request" in response["Vary"]


def test_under_htmx_a_change_sends_the_region_and_the_notice_for_the_status_line(db):
    request = request_for(htmx=True)
    response = changed(request)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="join-code"' in html and "ABC123" in html
    assert '<div id="class-status" hx-swap-oob="innerHTML"><p class="message message-success">' in html
    assert "The new join code is ABC123." in html
    assert not list(get_messages(request))
    assert "HX-Request" in response["Vary"]


def test_other_regions_can_change_with_it(db):
    request = request_for(htmx=True)
    response = region_changed(
        request,
        template="quizzes/classroom/detail.html",
        partial="join-code",
        context=CLASS_PAGE,
        also=[("quizzes/status_oob.html", {"status_line": "elsewhere", "message": "Also this."})],
        message="Done.",
        status_line="class-status",
        redirect_to="/",
    )
    html = response.content.decode()
    assert 'id="elsewhere"' in html and "Also this." in html and 'id="class-status"' in html


def test_a_refusal_says_why_and_leads_back(db):
    request = request_for(htmx=False)
    home = refused(request, "This quiz is not open.", status=403).content.decode()
    assert "<h1>This quiz is not open.</h1>" in home and "Back to my quizzes" in home
    back = refused(request, "Nope.", status=409, back_url="/teach/classes/1/", back_label="Back to History 10A")
    html = back.content.decode()
    assert back.status_code == 409
    assert '<a class="button" href="/teach/classes/1/">Back to History 10A</a>' in html
    assert "Back to my quizzes" not in html
