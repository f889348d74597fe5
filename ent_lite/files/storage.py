"""Where stored files live: a small interface, a local folder by default.

Keys are generated here (never derived from an upload's name) and are the only thing the
database remembers, so an object store can replace the folder without touching callers.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

# 128 random bits in hex, then the extension of the stored format.
_KEY = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,5}$")
EXTENSION_KEY = "ent_lite.files.storage"


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream; raises FileNotFoundError for an unknown key."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing key is not an error (deletion is safe to repeat)."""

    def exists(self, key: str) -> bool: ...


def new_key(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


class LocalStorage:
    """Files in a private folder, spread over 256 subfolders so none grows huge."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        # Keys come from our database, but a bad one must never escape the folder.
        if not _KEY.match(key):
            raise ValueError("not a storage key")
        return self.folder / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if not path.parent.is_dir():
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)
        # Write aside then rename, so a reader never sees half a file.
        partial = path.with_name(f".{key}.{secrets.token_hex(4)}.part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def get_storage() -> Storage:
    """The app's storage: one set in ``app.extensions`` (an object store), else the folder."""
    storage = current_app.extensions.get(EXTENSION_KEY)
    if storage is not None:
        return storage
    folder = Path(current_app.config["FILES_PATH"]).resolve()
    static = Path(current_app.static_folder or "").resolve()
    if current_app.static_folder and folder.is_relative_to(static):
        # Anything under static would be served to anyone, bypassing the access check.
        raise RuntimeError("ENT_LITE_FILES_PATH must not be inside the static folder")
    return LocalStorage(folder)
