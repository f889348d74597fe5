"""Every form's errors follow the GOV.UK pattern: a focused summary at the top whose lines link
to the fields, and the fields keep what was typed."""
from __future__ import annotations

import re


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('class="flash flash-error error-summary"')[1].split("</div>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_the_password_change_links_each_error_to_its_field(world, client, login_as, english):
    login_as(world.teacher_a)
    html = client.post("/account/password", data={"current_password": "wrong", "new_password": "short",
                                                  "confirm_password": "other"}).get_data(as_text=True)
    links = summary_links(html)
    assert links, "no error summary"
    for anchor, _ in links:
        assert f'id="{anchor}"' in html, f"the summary links to #{anchor}, which is not on the page"
    assert 'role="alert"' in html and 'tabindex="-1" autofocus' in html


def test_a_list_of_choices_is_linked_through_its_first_option(world, client, login_as, english):
    login_as(world.parent_a)
    html = client.post("/notifications", data={"quiet_start": "21:00", "quiet_end": "21:00"}).get_data(as_text=True)
    for anchor, _ in summary_links(html):
        assert f'id="{anchor}"' in html, f"the summary links to #{anchor}, which is not on the page"
