"""One submit answers a poll or an authorisation for every child it concerns.

A parent of three answers once, one line per child, instead of three forms. The page names
the lines it holds (one hidden ``child`` per line with a control); each line is read,
validated and kept apart: after an error every line shows what was typed and its own
errors, and the summary at the top links to each child's field. A line for a child this
parent may not answer for (an authorisation needs legal authority) has no control and is
never written. A line left as it was stored is not written again, so an answer another
guardian gave stays theirs, and a line left blank that holds no answer yet is not written
either: a parent may answer for one child now and for the other later (when every line is
blank, they are all checked, so the required questions say so).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from ent_lite.core import form_errors
from ent_lite.forms import answering
from ent_lite.forms.models import PostForm
from ent_lite.forms.services import AnswerTarget, PanelEntry, panel_entry, responses_by_key, save_answers, values_from

@dataclass
class Submission:
    entries: list[PanelEntry]  # every line of the page, in the page's order
    chosen: frozenset[str]  # the keys of the lines this submit answers

    @property
    def answered(self) -> list[PanelEntry]:
        return [entry for entry in self.entries if entry.target.key in self.chosen]

    def validate(self) -> bool:
        results = [entry.answer_form.validate() for entry in self.answered]  # every line, no early stop
        return all(results)

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary: "Awa – Lunch: Answer this question."."""
        links = []
        for entry in self.answered:
            for field in entry.answer_form:
                if not field.errors:
                    continue
                anchor = form_errors.anchor(field)
                question = field.label.text
                error = " ".join(str(e) for e in field.errors)
                if entry.target.first_name:
                    text = _("%(child)s – %(question)s: %(error)s", child=entry.target.first_name,
                             question=question, error=error)
                else:
                    text = _("%(question)s: %(error)s", question=question, error=error)
                links.append((anchor, text))
        return links


def chosen_targets(form: PostForm, targets: list[AnswerTarget], wanted: list[str]) -> list[AnswerTarget] | None:
    """The lines a submit answers: the family's one line, or the children named by the page.

    None (the view answers 404) when a named child is not one this guardian may answer for:
    another family's child, a forged id, or an authorisation without legal authority.
    """
    if not form.per_child:
        return targets[:1] or None
    by_id = {t.child_public_id: t for t in targets}
    chosen = [by_id.get(public_id) for public_id in dict.fromkeys(wanted)]
    if not chosen or any(t is None or not t.can_answer for t in chosen):
        return None
    return chosen


def read(form: PostForm, user, targets: list[AnswerTarget], chosen: list[AnswerTarget], formdata) -> Submission:
    """Every line of the page: the answered ones from what was typed, the others as stored."""
    responses = responses_by_key(form, [t.key for t in targets])
    form_class = answering.answer_form_class(form.questions)
    keys = frozenset(t.key for t in chosen)
    entries = [panel_entry(form, t, responses.get(t.key), user, True, form_class,
                           formdata=formdata if t.key in keys else None) for t in targets]
    blank = frozenset(e.target.key for e in entries if e.target.key in keys and _left_blank(e))
    return Submission(entries, keys - blank if blank != keys else keys)


def _left_blank(entry: PanelEntry) -> bool:
    """Nothing typed on a line that holds no answer yet."""
    return entry.response is None and not any(
        field.data for field in entry.answer_form if field.type != "CSRFTokenField")


def save(form: PostForm, user, submission: Submission, now: datetime) -> int:
    """Store each validated line that differs from what is stored; returns how many were written."""
    written = 0
    for entry in submission.answered:
        values = values_from(form, entry.answer_form)
        stored = {a.question_id: a.value for a in entry.response.answers} if entry.response else None
        if stored is not None and all(stored.get(q) == v for q, v in values.items()):
            continue
        save_answers(form, user, entry.target, values, now)
        written += 1
    return written
