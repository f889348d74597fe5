"""A file input other features put in their forms; the checks happen in services.prepare_uploads.

Usage in a view (the form's template needs ``enctype="multipart/form-data"``). The files are
processed BEFORE the request's first database write, so the seconds a batch of photos takes
never hold the write lock::

    try:
        files = files_services.prepare_uploads(form.files.data)
    except UploadRefused as refused:
        form.files.refuse(refused.message)
        return render_template(..., form=form), refused.status
    ...write the post or message, then...
    files_services.store_processed(files, current_user, now, post_id=post.id)

and in the template: ``{{ field(form.files, hint=form.files.hint) }}``.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField

from ent_lite.files.processing import human_size

# Only a hint for the phone's file picker: the bytes are what is checked.
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


class FilesField(MultipleFileField):
    def __init__(self, label=None, validators=None, **kwargs) -> None:
        render_kw = {"accept": ACCEPT, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label or _l("Photos and documents"), validators, render_kw=render_kw, **kwargs)

    @property
    def hint(self) -> str:
        return _("JPEG, PNG or WebP photos and PDF documents, at most %(limit)s each and %(total)s "
                 "together. Photos are resized and their hidden data (such as the place where they "
                 "were taken) is removed.",
                 limit=human_size(current_app.config["MAX_FILE_BYTES"]),
                 total=human_size(current_app.config["MAX_CONTENT_LENGTH"]))

    def refuse(self, message: str) -> None:
        """Show an upload's refusal next to this input, like a validation error."""
        self.errors = [*self.errors, message]
