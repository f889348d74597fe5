"""The author's results: counts, who answered what, who has not, and the CSV download."""
from __future__ import annotations

import csv
import io
import re

import pytest
from babel.messages.pofile import read_po

from ent_lite import TRANSLATIONS_DIR
from ent_lite.audience import keys
from ent_lite.extensions import db
from tests import factories
from tests.forms.conftest import OUTING_QUESTIONS, answer_url, fields
from tests.queries import recorded_statements


@pytest.fixture
def school_outing(world, make_form):
    """The director's outing authorisation to the whole school: child_a (CP A) and child_b (CE1 B)."""
    return make_form(world.director, [keys.establishment_key(world.school.id)], kind="authorisation",
                     questions=OUTING_QUESTIONS, title="School outing")


def results_url(form, csv_file=False) -> str:
    return f"/forms/{form.public_id}/results" + (".csv" if csv_file else "")


def answer(login_as, parent, form, child, **values):
    response = login_as(parent).post(answer_url(form), data=fields(form, child, **values))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_results_show_counts_answers_and_children_without_answer(world, school_outing, login_as, english):
    _, form = school_outing
    answer(login_as, world.parent_a, form, world.child_a, q1="yes", q2="Canteen", q3=["Morning"], q4="2")
    page = login_as(world.director).get(results_url(form)).get_data(as_text=True)
    assert "1 of 2 children have an answer." in page
    assert re.search(r'<th scope="row">Yes</th><td>1</td>', page)
    assert re.search(r'<th scope="row">No</th><td>0</td>', page)
    assert re.search(r'<th scope="row">Canteen</th><td>1</td>', page)
    assert re.search(r'<th scope="row">Packed lunch</th><td>0</td>', page)
    assert "1 answer, total 2, average 2." in page
    assert "Awa Diallo (CP A)" in page and "Answered by Fatou Diallo on" in page
    without = page.split("Children without an answer (1)")[1]
    assert "Léo Lefèvre (CE1 B)" in without and "Awa" not in without
    assert "Inès" not in page  # the other school's child is not in the audience


def test_per_family_results_list_each_parent_and_their_children(world, make_form, login_as, english):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll", answered_per="family",
                        questions=[{"text": "Comments", "kind": "text"}])
    answer(login_as, world.parent_a2, form, None, q1="See you there")
    page = login_as(world.teacher_a).get(results_url(form)).get_data(as_text=True)
    assert "1 answer so far." in page
    assert "Moussa Diallo" in page and "Children: Awa Diallo" in page and "See you there" in page
    assert "Every child has an answer." in page


@pytest.mark.parametrize("who", ["teacher_b", "other_teacher", "parent_a", "parent_b", "animator", "city_agent",
                                 "admin", "dpo"])
def test_only_the_author_and_the_director_see_results(world, make_form, login_as, who):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="authorisation")
    client = login_as(getattr(world, who))
    assert client.get(results_url(form)).status_code == 404
    assert client.get(results_url(form, csv_file=True)).status_code == 404


def test_the_author_and_the_schools_director_see_results(world, make_form, login_as):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="authorisation")
    for user in (world.teacher_a, world.director):
        client = login_as(user)
        assert client.get(results_url(form)).status_code == 200
        assert client.get(results_url(form, csv_file=True)).status_code == 200


def test_the_author_sees_a_summary_and_a_link_on_the_post(app, world, school_outing, login_as):
    from tests.forms.conftest import panel_html

    post, form = school_outing
    answer(login_as, world.parent_b, form, world.child_b, q1="no", q2="Canteen")
    html = panel_html(app, world.director, post)
    assert "1 of 2 children have an answer." in html
    assert f'href="/forms/{form.public_id}/results"' in html
    assert "<form" not in html and "Lunch" in html  # the questions, read-only
    colleague = panel_html(app, world.teacher_a, post)  # reads the school's post, not its answers
    assert "Lunch" in colleague and "/results" not in colleague and "<form" not in colleague


def test_a_city_service_sees_counts_but_no_family(world, make_form, login_as, english):
    """City agents see no child (ent_lite.rules): their school-wide poll shows totals only."""
    from tests.posts.helpers import add_city_service

    add_city_service(world)
    _, form = make_form(world.city_agent, [keys.establishment_key(world.school.id)], kind="poll",
                        questions=[{"text": "Cake?", "kind": "yes_no"}])
    answer(login_as, world.parent_a, form, world.child_a, q1="yes")
    client = login_as(world.city_agent)
    page = client.get(results_url(form)).get_data(as_text=True)
    assert "1 of 2 children have an answer." in page and '<th scope="row">Yes</th><td>1</td>' in page
    assert "Only the children of your classes and groups are named here" in page
    assert "Children without an answer (1)" in page
    for name in ("Awa", "Diallo", "Fatou", "Léo", "Lefèvre"):
        assert name not in page
    rows = list(csv.reader(io.StringIO(download(client, form, "en").data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Child", "Class", "Cake?", "Answered by", "Answered on"]]


def test_results_cost_the_same_whatever_the_number_of_answers(world, school_outing, login_as):
    _, form = school_outing
    client = login_as(world.director)
    answer(login_as, world.parent_a, form, world.child_a, q1="yes", q2="Canteen")
    client = login_as(world.director)
    with recorded_statements() as few:
        client.get(results_url(form))
    for n in range(5):
        parent = factories.make_user(world.city, "guardian", "Parent", f"N{n}")
        child = factories.make_child(world.city, world.class_b, f"Kid{n}", "Extra", guardians=(parent,))
        db.session.commit()
        answer(login_as, parent, form, child, q1="yes", q2="Packed lunch", q3=["Morning"], q4="1")
    client = login_as(world.director)
    with recorded_statements() as many:
        page = client.get(results_url(form)).get_data(as_text=True)
    assert "Kid4" in page
    assert len(many) == len(few)


# --- CSV --------------------------------------------------------------------------------------

def french_catalogue():
    with (TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="fr")


def download(client, form, lang="fr"):
    response = client.get(results_url(form, csv_file=True), headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response


def test_the_csv_opens_in_a_spreadsheet(world, school_outing, login_as):
    _, form = school_outing
    answer(login_as, world.parent_a, form, world.child_a, q1="yes", q2="Canteen", q3=["Morning", "Afternoon"],
           q4="2,5")
    response = download(login_as(world.director), form)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="School_outing.csv"'
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel needs to read accents
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 3 and all(len(row) == 8 for row in rows)
    awa = next(row for row in rows if row[0] == "Awa Diallo")
    assert awa[1] == "CP A" and awa[3:6] == ["Canteen", "Morning, Afternoon", "2,5"]  # French decimal comma
    assert awa[6] == "Fatou Diallo"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", awa[7])  # a French date
    leo = next(row for row in rows if row[0] == "Léo Lefèvre")
    assert leo[1] == "CE1 B" and leo[2:] == [""] * 6  # listed, without an answer


def test_the_csv_headers_follow_the_interface_language(world, school_outing, login_as):
    _, form = school_outing
    client = login_as(world.director)
    english = next(csv.reader(io.StringIO(download(client, form, "en").data.decode("utf-8-sig")), delimiter=";"))
    assert english == ["Child", "Class", "I authorise my child to take part", "Lunch", "Can you come with us?",
                       "How many adults?", "Answered by", "Answered on"]
    french = next(csv.reader(io.StringIO(download(client, form, "fr").data.decode("utf-8-sig")), delimiter=";"))
    catalogue = french_catalogue()
    expected = [catalogue.get(english[0]), catalogue.get(english[1]), catalogue.get(english[2])]
    assert all(message is not None and message.string for message in expected), "French catalogue not updated"
    assert french[:3] == [message.string for message in expected] and french[:3] != english[:3]


def test_the_csv_neutralises_formulas(world, make_form, login_as):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll",
                        questions=[{"text": "=HYPERLINK(\"http://evil\")", "kind": "text"},
                                   {"text": "Adults", "kind": "number"}])
    answer(login_as, world.parent_a, form, world.child_a, q1="@SUM(A1:A9)", q2="-3")
    raw = download(login_as(world.teacher_a), form).data.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert header[2] == "'=HYPERLINK(\"http://evil\")"
    assert row[2] == "'@SUM(A1:A9)" and row[3] == "-3"  # a real number stays a number
    for line in (header, row):
        assert not any(cell.startswith(("=", "+", "@")) for cell in line)


@pytest.mark.parametrize("language, typed, cell", [
    ("fr", "-2.5", "-2,5"), ("en", "-2.5", "-2.5"), ("fr", "-1234567.25", "-1234567,25"), ("en", "-0.75", "-0.75"),
])
def test_negative_numbers_stay_numbers_in_the_csv(world, make_form, login_as, language, typed, cell):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll",
                        questions=[{"text": "Balance", "kind": "number"}, {"text": "Comment", "kind": "text"}])
    answer(login_as, world.parent_a, form, world.child_a, q1=typed, q2="-1+cmd|' /C calc'!A0")
    raw = download(login_as(world.teacher_a), form, language).data.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(raw), delimiter=";"))[1]
    # The spreadsheet reads a number it can add up; the command typed as text stays text.
    assert row[2] == cell
    assert row[3] == "'-1+cmd|' /C calc'!A0"
