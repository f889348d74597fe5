"""Password hashes: argon2id at RFC 9106 strength in every app but the test suite's own."""
from __future__ import annotations

from argon2 import extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from ent_lite import create_app
from ent_lite.accounts.passwords import hash_password, verify_password
from tests import factories
from tests.accounts.test_login import post_login


def _strength(password_hash: str) -> tuple:
    params = extract_parameters(password_hash)
    return params.type, params.memory_cost, params.time_cost, params.parallelism


STANDARD = (RFC_9106_LOW_MEMORY.type, RFC_9106_LOW_MEMORY.memory_cost,
            RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.parallelism)


def test_every_environment_hashes_at_rfc_9106_strength(tmp_path, monkeypatch):
    monkeypatch.setenv("ENT_LITE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ENT_LITE_SINGLE_PROCESS", "true")  # production refuses per-process counters otherwise
    # ENT_LITE_ENV=test included: only the suite's own create_app settings choose the light profile.
    monkeypatch.setenv("ENT_LITE_PASSWORD_HASH_PROFILE", "light")
    for env in ("production", "demo", "development", "test"):
        app = create_app({"ENT_LITE_ENV": env, "SECRET_KEY": "k" * 40,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{env}.sqlite3"})
        with app.app_context():
            stored = hash_password("correct horse battery staple")
            assert _strength(stored) == STANDARD, env
            assert verify_password(stored, "correct horse battery staple")
            assert not verify_password(stored, "wrong horse battery staple")
    # Outside any app (a script, the shell): the standard strength too.
    assert _strength(hash_password("x" * 12)) == STANDARD


def test_a_light_test_hash_is_made_standard_at_the_next_real_login(app, client, world, monkeypatch):
    assert _strength(world.parent_a.password_hash) != STANDARD  # the suite's light hash
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PROFILE", "standard")
    assert post_login(client, world.parent_a.email).status_code == 302
    assert _strength(world.parent_a.password_hash) == STANDARD
    assert verify_password(world.parent_a.password_hash, factories.PASSWORD)
