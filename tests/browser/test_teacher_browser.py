"""A teacher in a real browser: a class, its students, a quiz set built from the bank, an assignment, the scores."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Assignment, Attempt, Classroom, QuizSet, User
from tests import factories
from tests.answering import take
from tests.browser.conftest import assert_accessible, log_in, settled
from tests.conftest import make_questions

pytestmark = pytest.mark.django_db(transaction=True)

# The types of the three questions the teacher picks with the type filter, in the order of the set.
PICKED = ["Single choice", "True or false", "Short text answer"]


def same_page(page) -> bool:
    return page.evaluate("window.__stillTheSamePage === true")


def make_class(page, name: str) -> Classroom:
    page.get_by_role("link", name="New class").click()
    assert_accessible(page, "new class form")
    page.get_by_role("button", name="Make the class").click()
    name_box = page.get_by_label("Class name")
    expect(name_box).to_have_accessible_description(re.compile(r"History 10A.*This field is required"))
    assert_accessible(page, "new class form with an error")
    name_box.fill(name)
    page.get_by_role("button", name="Make the class").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    return Classroom.objects.get(name=name)


def add_students(page, names: list[str]) -> list[tuple[str, str]]:
    """Add students by pasting their names; the usernames and one-time passwords read off the printable slips."""
    page.get_by_role("link", name="Add students").click()
    assert_accessible(page, "add students")
    page.get_by_label("Paste names").fill("\n".join(names))
    page.get_by_role("button", name="Make the accounts").click()
    expect(page.get_by_role("heading", name=f"{len(names)} new accounts")).to_be_visible()
    assert_accessible(page, "printable login slips")
    slips = page.locator(".slip")
    expect(slips).to_have_count(len(names))
    return [
        (slip.locator(".slip-secret").nth(0).inner_text(), slip.locator(".slip-secret").nth(1).inner_text())
        for slip in slips.all()
    ]


def build_set(page, title: str) -> QuizSet:
    page.get_by_role("link", name="Quiz sets").click()
    assert_accessible(page, "quiz set list (empty)")
    page.get_by_role("link", name="New quiz set").click()
    assert_accessible(page, "new quiz set form")
    page.get_by_label("Title").fill(title)
    page.get_by_label("A fixed list of questions").check()
    page.get_by_role("button", name="Make the set").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.wait_for_load_state()  # htmx wires the filters once the page has loaded
    expect(page.locator("#bank-count")).to_have_text("7 questions match")
    page.evaluate("window.__stillTheSamePage = true")
    for number, label in enumerate(PICKED, start=1):
        settled(page)  # the last swap's new content is wired to htmx before the filter changes
        page.get_by_label("Question type").select_option(label=label)
        expect(page.locator("#bank-count")).to_have_text("1 question matches")
        expect(page.locator(".bank-item")).to_have_count(1)
        expect(page.locator(".bank-item .chip").first).to_have_text(label)
        settled(page)
        if number == 1:
            assert_accessible(page, "builder with filtered results")
        page.locator(".bank-item").get_by_role("button", name=re.compile(r"^Add")).click()
        expect(page.get_by_role("heading", name=f"In this set ({number})")).to_be_visible()
        expect(page.locator(".bank-item .in-set")).to_have_text(re.compile("In the set"))
        expect(page.locator("#set-status")).to_contain_text(f"Added as question {number}")
        assert same_page(page), "adding a question reloaded the builder"
        assert "type=" in page.url, "the filter is not in the address, so a reload would lose it"
    settled(page)
    page.get_by_label("Question type").select_option(label="Any")
    expect(page.locator("#bank-count")).to_have_text("7 questions match")
    expect(page.locator(".bank-item .in-set")).to_have_count(3)
    assert same_page(page), "filtering the bank reloaded the builder"
    assert_accessible(page, "builder with every result and three questions in the set")
    quiz_set = QuizSet.objects.get(title=title)
    assert [item.question.get_type_display() for item in quiz_set.items.order_by("position")] == PICKED
    return quiz_set


def choose_own_password(page, one_time_password: str) -> None:
    """The first login with a one-time password leads to our page asking for the student's own password."""
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    page.get_by_label("Old password").fill(one_time_password)
    page.get_by_label("New password", exact=True).fill("Smolny-Institute-1917")
    page.get_by_label("New password confirmation").fill("Smolny-Institute-1917")
    page.get_by_role("button", name="Save my password").click()
    page.get_by_role("link", name="Go to my quizzes").click()
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()


def take_the_quiz(page, title: str) -> None:
    """Answer the three picked questions: right, wrong, right; then submit."""
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("button", name="Start").click()
    card = page.locator("#quiz-card")
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    card.get_by_label("It ignored them").check()
    page.get_by_role("button", name="Check answer").click()
    expect(card.locator(".feedback")).to_contain_text("Correct")
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    card.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check answer").click()
    expect(card.locator(".feedback")).to_contain_text("Not quite")
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    card.get_by_label("Your answer").fill("Novaya Zhizn")
    page.get_by_role("button", name="Check answer").click()
    expect(card.locator(".feedback")).to_contain_text("Correct")
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".score")).to_contain_text("2 out of 3")


def test_a_teacher_makes_a_class_builds_and_assigns_a_set_and_sees_the_scores_arrive(live_server, browser_context):
    factories.TeacherFactory(username="tamara", first_name="Tamara", last_name="Karsavina")
    make_questions()
    factories.UserFactory(username="nadia", first_name="Nadia", last_name="Krupskaya")
    teacher = browser_context().new_page()

    # The class, its join code and its students.
    log_in(teacher, live_server, "tamara")
    expect(teacher.get_by_role("heading", name="My classes")).to_be_visible()
    assert_accessible(teacher, "teacher home without classes")
    classroom = make_class(teacher, "History 11B")
    expect(teacher.locator(".join-code-big")).to_have_text(classroom.join_code)
    expect(teacher.locator(".signup-link")).to_contain_text(f"/signup/?code={classroom.join_code}")
    assert_accessible(teacher, "class page without students")
    (username, one_time_password), _ = add_students(teacher, ["Anna Petrova", "Boris Ivanov"])
    teacher.get_by_role("link", name="Back to the roster").click()
    expect(teacher.get_by_role("heading", name="Students (2)")).to_be_visible()
    assert_accessible(teacher, "class page with its roster")
    teacher.get_by_role("link", name="My classes").click()
    expect(teacher.locator(".class-card .join-code")).to_have_text(classroom.join_code)
    assert_accessible(teacher, "teacher home with a class")

    # The quiz set, its preview, and the assignment.
    quiz_set = build_set(teacher, "The Central Committee decides")
    teacher.get_by_role("link", name="Preview").click()
    expect(teacher.get_by_text("Teacher preview.")).to_be_visible()
    expect(teacher.locator(".preview-card")).to_have_count(3)
    assert_accessible(teacher, "preview with the answers")
    teacher.get_by_role("link", name="One question at a time").click()
    expect(teacher.get_by_text("Question 1 of 3")).to_be_visible()
    assert_accessible(teacher, "preview one question at a time")
    teacher.get_by_role("link", name="Assign to a class").last.click()
    expect(teacher.get_by_role("heading", name=re.compile("Assign"))).to_be_visible()
    assert_accessible(teacher, "assign form")
    expect(teacher.get_by_label("Opens at")).to_have_accessible_description(re.compile("school's time zone"))
    teacher.get_by_label("History 11B").check()
    teacher.get_by_role("button", name="Assign", exact=True).click()
    expect(teacher.get_by_text("is assigned to History 11B")).to_be_visible()
    assignment = Assignment.objects.get(quiz_set=quiz_set, classroom=classroom)
    assert teacher.url.endswith(f"/teach/assignments/{assignment.pk}/")
    assert_accessible(teacher, "assignment page")
    teacher.get_by_role("link", name="Accommodations").click()
    expect(teacher.get_by_role("heading", name="Accommodations")).to_be_visible()
    assert_accessible(teacher, "accommodations")
    teacher.get_by_role("link", name=re.compile("^Set for Anna")).click()
    expect(teacher.get_by_role("heading", name="Accommodation for Anna Petrova")).to_be_visible()
    teacher.get_by_label("Extra attempts").fill("1")
    teacher.get_by_role("button", name="Save").click()
    expect(teacher.locator("#accommodation-status")).to_contain_text("Saved the accommodation for Anna Petrova")
    expect(teacher.locator("#accommodations tbody tr", has_text="Anna Petrova")).to_contain_text("+1")
    assert_accessible(teacher, "accommodations with one set")

    # The results page is open while the students work: their scores arrive in it by themselves.
    teacher.goto(f"{live_server.url}/teach/assignments/{assignment.pk}/results/")
    expect(teacher.get_by_role("heading", name="Results: The Central Committee decides")).to_be_visible()
    expect(teacher.locator(".results-counts")).to_contain_text("Submitted0")
    assert_accessible(teacher, "results before anyone submitted")

    # A student from the printed slips: one-time password, then their own.
    anna = browser_context(width=390, height=844).new_page()
    log_in(anna, live_server, username, one_time_password)
    choose_own_password(anna, one_time_password)
    take_the_quiz(anna, "The Central Committee decides")

    # A student with an account of her own joins with the code from the class page.
    nadia = browser_context(width=390, height=844).new_page()
    log_in(nadia, live_server, "nadia")
    nadia.get_by_role("link", name="Join a class with a code").click()
    nadia.get_by_label("Class code").fill(classroom.join_code.lower())
    nadia.get_by_role("button", name="Join").click()
    expect(nadia.get_by_text("You have joined History 11B")).to_be_visible()
    take_the_quiz(nadia, "The Central Committee decides")

    expect(teacher.locator(".results-counts")).to_contain_text("Submitted2", timeout=15_000)
    expect(teacher.locator(".results-counts")).to_contain_text("Median67%")
    expect(teacher.locator(".question-stat")).to_have_count(3)
    assert_accessible(teacher, "results with two submitted attempts")

    # The gradebook, a student's record and one attempt.
    teacher.get_by_role("link", name="Gradebook").first.click()
    expect(teacher.get_by_role("heading", name=re.compile("^Gradebook"))).to_be_visible()
    row = teacher.locator("tbody tr", has_text="Krupskaya")
    expect(row).to_contain_text("67%")
    expect(teacher.locator("tbody tr", has_text="Petrova")).to_contain_text("67%")
    expect(teacher.locator("tbody tr", has_text="Ivanov")).not_to_contain_text("67%")
    assert_accessible(teacher, "gradebook")
    row.get_by_role("link").first.click()
    expect(teacher.get_by_role("heading", name="Nadia Krupskaya", level=1)).to_be_visible()
    assert_accessible(teacher, "student record")
    teacher.get_by_role("link", name=re.compile("^See answers")).click()
    expect(teacher.locator(".score")).to_contain_text("2 out of 3")
    teacher.locator("details.result summary").nth(1).click()
    expect(teacher.locator("details.result").nth(1)).to_contain_text("Their answer")
    assert_accessible(teacher, "a student's attempt, seen by the teacher")

    attempts = Attempt.objects.filter(assignment=assignment, submitted_at__isnull=False)
    assert sorted(a.student.username for a in attempts) == sorted([username, "nadia"])
    assert not User.objects.get(username=username).must_change_password


def test_the_builder_works_without_javascript(live_server, browser_context):
    factories.TeacherFactory(username="tamara")
    make_questions()
    page = browser_context(javascript=False).new_page()
    log_in(page, live_server, "tamara")
    page.get_by_role("link", name="Build a quiz set").click()
    page.get_by_label("Title").fill("Without scripts")
    page.get_by_role("button", name="Make the set").click()
    page.get_by_label("Question type").select_option(label="Numeric")
    page.get_by_role("button", name="Show questions").click()
    expect(page.locator(".bank-item")).to_have_count(1)
    page.locator(".bank-item").get_by_role("button", name=re.compile(r"^Add")).click()
    expect(page.get_by_role("heading", name="In this set (1)")).to_be_visible()
    expect(page.get_by_text("Added")).to_be_visible()
    expect(page.locator(".bank-item")).to_have_count(1)  # the filter survived the round trip
    assert QuizSet.objects.get(title="Without scripts").items.get().question.type == "numeric"


def test_a_student_with_a_one_time_password_chooses_their_own_on_our_page(live_server, page):
    factories.UserFactory(username="boris", must_change_password=True)
    log_in(page, live_server, "boris")
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    expect(page.get_by_text("Django administration")).to_have_count(0)
    assert_accessible(page, "choose your own password")
    choose_own_password(page, "october1917")
    assert not User.objects.get(username="boris").must_change_password


def teacher_pages(school) -> dict[str, str]:
    """Every teacher page, with something on it: a set of the teacher's own, two submitted attempts."""
    school.assignment.quiz_set.owner = school.teacher
    school.assignment.quiz_set.save()
    take(school.student, school.assignment, right={"single", "multiple", "true_false", "short_text", "numeric"})
    take(school.classmate, school.assignment, right={"single"})
    classroom, assignment, quiz_set = school.classroom, school.assignment, school.assignment.quiz_set
    attempt = Attempt.objects.get(student=school.student)
    return {
        "teacher home": "/teach/",
        "class page": f"/teach/classes/{classroom.pk}/",
        "add students": f"/teach/classes/{classroom.pk}/students/add/",
        "new password": f"/teach/classes/{classroom.pk}/students/{school.student.pk}/password/",
        "quiz sets": "/teach/sets/",
        "builder": f"/teach/sets/{quiz_set.pk}/",
        "preview": f"/teach/sets/{quiz_set.pk}/preview/",
        "assign form": f"/teach/sets/{quiz_set.pk}/assign/",
        "assignment page": f"/teach/assignments/{assignment.pk}/",
        "accommodations": f"/teach/assignments/{assignment.pk}/accommodations/",
        "gradebook": f"/teach/classes/{classroom.pk}/gradebook/",
        "results": f"/teach/assignments/{assignment.pk}/results/",
        "student record": f"/teach/classes/{classroom.pk}/students/{school.student.pk}/",
        "attempt": f"/teach/attempts/{attempt.pk}/",
    }


# How far the page reaches past the right edge of the window, and the elements that do it: the outermost ones, and
# absolutely positioned ones (a scrolling box that is not positioned itself does not hold those in).
STICKING_OUT = """() => {
  const root = document.documentElement, edge = root.clientWidth + 1, found = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.getBoundingClientRect().right <= edge) continue;
    const outermost = element.parentElement.getBoundingClientRect().right <= edge;
    if (outermost || getComputedStyle(element).position === "absolute") {
      const text = element.textContent.trim().slice(0, 40);
      found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")} "${text}"`);
    }
  }
  return {wider_by: root.scrollWidth - root.clientWidth, elements: found.slice(0, 6)};
}"""


def sticking_out(page) -> dict:
    return page.evaluate(STICKING_OUT)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_teacher_page_on_a_phone_is_accessible_and_nothing_sticks_out_sideways(
    live_server, school, browser_context, scheme
):
    pages = teacher_pages(school)
    page = browser_context(width=390, height=844).new_page()
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server, "teacher")
    for what, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page, f"{what} ({scheme}, 390 px)")
        overflow = sticking_out(page)
        assert overflow["wider_by"] <= 0, f"{what} ({scheme}) is wider than a phone: {overflow}"
