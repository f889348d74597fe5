"""The storage interface and its local folder."""
from __future__ import annotations

import stat

import pytest

from ent_lite.files import storage as storage_module
from ent_lite.files.storage import LocalStorage, get_storage, new_key


def test_save_open_exists_delete(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    key = new_key("jpg")
    assert not storage.exists(key)
    storage.save(key, b"pixels")
    assert storage.exists(key)
    with storage.open(key) as stream:
        assert stream.read() == b"pixels"
    path = tmp_path / "files" / key[:2] / key
    # Readable by the app's user only.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "files").stat().st_mode) == 0o700
    storage.delete(key)
    storage.delete(key)  # deleting twice is fine (a purge may be re-run)
    assert not storage.exists(key)
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_keys_are_random_and_distinct():
    keys = {new_key("pdf") for _ in range(100)}
    assert len(keys) == 100
    assert all(len(k) == 36 and k.endswith(".pdf") for k in keys)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "ab/../../x.jpg", "photo.jpg", "", "a" * 32])
def test_a_key_can_never_leave_the_folder(tmp_path, bad):
    storage = LocalStorage(tmp_path / "files")
    with pytest.raises(ValueError):
        storage.open(bad)
    with pytest.raises(ValueError):
        storage.save(bad, b"x")


def test_files_path_inside_static_is_refused(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_PATH", app.static_folder + "/uploads")
    with pytest.raises(RuntimeError):
        get_storage()


def test_default_folder_is_in_the_instance_folder_not_static(app):
    from ent_lite import config

    settings = config.from_environment(app.instance_path, "test")
    assert settings["FILES_PATH"].startswith(app.instance_path)
    assert not settings["FILES_PATH"].startswith(app.static_folder)


def test_another_storage_can_replace_the_folder(app, db):
    class Memory(dict):
        def save(self, key, data):
            self[key] = data

    memory = Memory()
    app.extensions[storage_module.EXTENSION_KEY] = memory
    try:
        assert get_storage() is memory
    finally:
        del app.extensions[storage_module.EXTENSION_KEY]
