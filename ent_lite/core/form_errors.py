"""The GOV.UK error summary of any form: (id of the control to move to, message), in page order.

A summary line is a link to its field; for a list of radio buttons or checkboxes the link goes
to the first option, the control that actually has that id.
"""
from __future__ import annotations

from collections.abc import Iterable

from wtforms import Field, FieldList, FormField, RadioField, SelectMultipleField


def anchor(field: Field) -> str:
    if isinstance(field, (RadioField, SelectMultipleField)):
        return f"{field.id}-0"
    return field.id


def _walk(fields: Iterable[Field]) -> list[tuple[str, str]]:
    found = []
    for field in fields:
        if field.type == "CSRFTokenField":
            continue
        if isinstance(field, FormField):
            found += error_items(field.form)
        elif isinstance(field, FieldList):
            found += _walk(field.entries)
        elif field.errors:
            found.append((anchor(field), " ".join(str(e) for e in field.errors)))
    return found


def error_items(form) -> list[tuple[str, str]]:
    return _walk(form)


def init_app(app) -> None:
    app.add_template_global(error_items, "form_error_items")
