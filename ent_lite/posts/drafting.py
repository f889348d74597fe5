"""What the compose page shows besides its fields: the error summary's links, the files kept
from an earlier submit of the form, and whose photo may be published to the chosen audience.

Plain functions of the form (no request): the views pass what the request sent.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ent_lite.core import form_errors
from ent_lite.files import drafts as file_drafts
from ent_lite.files.processing import Processed
from ent_lite.forms.builder import FormBuilderForm
from ent_lite.posts import photo_tags
from ent_lite.posts.forms import CONSENT_AUDIENCES, PostForm
from ent_lite.posts.signatures import names_list


# --- the error summary ------------------------------------------------------------------------

def _poll_items(form: PostForm) -> list[tuple[str, str]]:
    """"A poll needs a question" is the builder's own error: the first question's text is
    where to write it."""
    poll = form.poll.form if "poll" in form else None
    if not isinstance(poll, FormBuilderForm) or not getattr(poll, "form_errors", None):
        return []
    first = poll.questions.entries[0].form.text if poll.questions.entries else poll.kind
    return [(form_errors.anchor(first), " ".join(str(e) for e in poll.form_errors))]


def error_items(form: PostForm) -> list[tuple[str, str]]:
    """(id of the field, message) for every error of the form, in page order."""
    items = form_errors.error_items(form) + _poll_items(form)
    if "scope" in form and form.targets.errors:
        # The audience is chosen with the short choice: its first button is where to go.
        scope, targets = form_errors.anchor(form.scope), form_errors.anchor(form.targets)
        items = [(scope if to == targets else to, message) for to, message in items]
    return items


# --- files kept between submits ------------------------------------------------------------------

def keep_files(form: PostForm, user, sent: list[str], removed: list[str], processed: list[Processed] | None,
               now: datetime) -> list:
    """The drafts the form holds from now on (see ent_lite.files.drafts); stored on the form
    for the page to show as thumbnails. Flushed; the view commits."""
    form.draft_files = file_drafts.keep_drafts(user, sent, removed, processed or [], now)
    return form.draft_files


# --- whose photo may be published --------------------------------------------------------------

def _audience_keys(form: PostForm) -> list | None:
    """The keys of the audience chosen so far, or None while none (or an unknown one) is chosen."""
    if form.fixed_keys is not None:
        return form.fixed_keys
    tokens = list(dict.fromkeys(form.targets.data or [])) if "targets" in form else []
    if not tokens or any(token not in form.allowed for token in tokens):
        return None
    return [form.allowed[token].key for token in tokens]


def photo_consents(form: PostForm, now: datetime) -> dict[str, tuple[bool, str]]:
    """{child's public id: (photo allowed?, the sentence saying so)} for the tagging list.

    Once an audience is chosen: whether the child may appear to it. Before: to whom their
    guardians agreed to show their photos (allowed is then whether any audience is)."""
    children = [t.child for t in form.taggable.values()]
    if not children:
        return {}
    agreed = photo_tags.agreed_breadths(children, now)
    keys = _audience_keys(form)
    needed = photo_tags.needed_breadths(keys, children) if keys else {}
    notes = {}
    for child in children:
        mine = [b for b in photo_tags.BREADTHS if b in agreed[child.id]]
        where = names_list([str(CONSENT_AUDIENCES[b]) for b in mine])
        if child.id in needed:
            ok = needed[child.id] in agreed[child.id]
            if ok:
                text = _("Photos allowed for this audience.")
            elif mine:
                text = _("Not for this audience: photos allowed only for %(audiences)s.", audiences=where)
            else:
                text = _("No photos: their guardians have not agreed.")
        else:
            ok = bool(mine)
            text = _("Photos allowed for %(audiences)s.", audiences=where) if mine else _(
                "No photos: their guardians have not agreed.")
        notes[child.public_id] = (ok, text)
    return notes
