"""An activity's stored photo, opened for the public catalogue.

Only the keys the activity holds are opened, and only with an image extension the catalogue
serves (nothing here trusts a name from the request); a photo missing from storage is no photo.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO

from ent_lite.activities.models import Activity
from ent_lite.files.storage import get_storage

PHOTO_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class OpenPhoto:
    stream: IO[bytes]
    content_type: str
    extension: str
    size: int | None  # None for a stream without a file behind it (an object store)


def open_photo(activity: Activity, *, thumb: bool) -> OpenPhoto | None:
    """The activity's photo (or its thumbnail) opened for reading, None when there is none."""
    key = activity.photo_thumb_key if thumb else activity.photo_key
    extension = (key or "").rsplit(".", 1)[-1]
    content_type = PHOTO_TYPES.get(extension)
    if content_type is None:
        return None
    try:
        stream = get_storage().open(key)
    except (FileNotFoundError, ValueError):
        return None
    try:
        size = os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError):
        size = None
    return OpenPhoto(stream, content_type, extension, size)
