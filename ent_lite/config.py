"""Settings read from the environment, with safe defaults.

Every variable is prefixed ``ENT_LITE_``. The default environment is
``production``: it refuses to start without a real secret key, or with login attempts
counted per process while several processes may serve the app. The demo
(``ENT_LITE_ENV=demo``) generates a key once and keeps it in the instance folder.
Also where the project's own folders are (translations, migrations).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

ENVIRONMENTS = ("production", "demo", "development", "test")
MIN_SECRET_LENGTH = 32
# The demo city's name (fictional): the demo's header, mails and seeded city all use it.
DEMO_CITY_NAME = "Valbrune"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"ENT_LITE_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return default if value is None else int(value)


def from_environment(instance_path: str, env: str | None = None) -> dict:
    env = env or _env("ENV", "production")
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"ENT_LITE_ENV must be one of {', '.join(ENVIRONMENTS)}")
    production = env == "production"
    default_db = "sqlite:///" + str(Path(instance_path) / "ent_lite.sqlite3")
    return {
        "ENT_LITE_ENV": env,
        "SECRET_KEY": _env("SECRET_KEY"),
        # Keys the audit log's hash chain; derived from SECRET_KEY when unset.
        "AUDIT_KEY": _env("AUDIT_KEY"),
        # Append-only file of the audit chain's anchors (ent_lite/audit/anchors.py); keep a copy
        # on another host: an anchor beside the database can be cut with it.
        "AUDIT_ANCHOR_PATH": _env("AUDIT_ANCHOR_PATH", str(Path(instance_path) / "audit-anchors.jsonl")),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", default_db),
        # hide_parameters: a database error logs the SQL without its values (message bodies,
        # emails, hashes never reach the application log; PRIVACY.md 20).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # SQLite only: how long a request waits for another one's write before giving up.
        "SQLITE_BUSY_TIMEOUT_SECONDS": float(_env("SQLITE_BUSY_TIMEOUT_SECONDS", "15")),
        # Public address used in emailed links (reset, invitations).
        "BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "CITY_NAME": _env("CITY_NAME", DEMO_CITY_NAME if env == "demo" else "Ville"),
        "PRODUCT_NAME": _env("PRODUCT_NAME", ""),
        # Named in the privacy notice and the register of processing (GDPR articles 13, 14, 30).
        # How to reach the city's data protection officer (an email or postal address).
        "DPO_CONTACT": _env("DPO_CONTACT"),
        # The company hosting ent_lite for the city (its processor) and where the data is kept.
        "HOSTING_PROVIDER": _env("HOSTING_PROVIDER"),
        "HOSTING_LOCATION": _env("HOSTING_LOCATION"),
        # Dates are stored in UTC and shown in the city's time zone.
        "BABEL_DEFAULT_TIMEZONE": _env("TIMEZONE", "Europe/Paris"),
        "MAIL_SERVER": _env("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_STARTTLS": _env_bool("MAIL_STARTTLS", False),
        "MAIL_FROM": _env("MAIL_FROM", "ent-lite@localhost"),
        # In the demo, mail is written to the log instead of an SMTP server.
        "MAIL_SUPPRESS": _env_bool("MAIL_SUPPRESS", env == "demo"),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are
        # trusted; without it every user would share the proxy's address for rate limits.
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
        # Where the rate-limit counters live. memory:// counts per process: with several app
        # processes each would allow the whole budget, so production refuses it (check_shared_counters).
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        # The operator's word that ONE process serves the app (one gunicorn worker, threads
        # allowed): then per-process counters are the whole count.
        "SINGLE_PROCESS": _env_bool("SINGLE_PROCESS", False),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Room for a post with a class outing's photos (ten phone photos of 3-5 MB): a refused
        # request body cannot be shown again with what the author typed.
        "MAX_CONTENT_LENGTH": _env_int("MAX_UPLOAD_BYTES", 48 * 1024 * 1024),
        # Uploaded photos and documents live outside static and are served by an authorised route.
        "FILES_PATH": _env("FILES_PATH", str(Path(instance_path) / "files")),
        "MAX_FILE_BYTES": _env_int("MAX_FILE_BYTES", 10 * 1024 * 1024),
        "MAX_IMAGE_PIXELS": _env_int("MAX_IMAGE_PIXELS", 40_000_000),
        # Memory the decoded pixels of one photo, then of one request's photos, may take (width ×
        # height × 1 to 4 bytes; JPEG decodes at a reduced scale): what bounds an upload's time.
        "MAX_IMAGE_DECODED_BYTES": _env_int("MAX_IMAGE_DECODED_BYTES", 100 * 1024 * 1024),
        "MAX_REQUEST_DECODED_BYTES": _env_int("MAX_REQUEST_DECODED_BYTES", 300 * 1024 * 1024),
        "ACTIVATION_CODE_DAYS": _env_int("ACTIVATION_CODE_DAYS", 60),
        "RESET_TOKEN_MINUTES": _env_int("RESET_TOKEN_MINUTES", 60),
        "INVITE_TOKEN_DAYS": _env_int("INVITE_TOKEN_DAYS", 7),
        "POSTS_PER_PAGE": _env_int("POSTS_PER_PAGE", 10),
        # Web Push: how long one push service may take to answer (then the push is retried
        # later; the mail is a separate delivery, never held up), how long the service keeps a
        # push for a phone that is off, and how many devices one account may register.
        "PUSH_TIMEOUT_SECONDS": float(_env("PUSH_TIMEOUT_SECONDS", "5")),
        "PUSH_TTL_SECONDS": _env_int("PUSH_TTL_SECONDS", 24 * 3600),
        "PUSH_MAX_DEVICES": _env_int("PUSH_MAX_DEVICES", 10),
        # Tests only: accept http and private or loopback push addresses (a local receiver).
        # Never in production: the server would post to any address a page gives it.
        "PUSH_ALLOW_LOCAL_ENDPOINTS": _env_bool("PUSH_ALLOW_LOCAL_ENDPOINTS", False),
        "SESSION_COOKIE_NAME": "ent_lite_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SECURE_COOKIES", production),
        "REMEMBER_COOKIE_DURATION_DAYS": 30,
        "STAFF_IDLE_MINUTES": 30,
        "STAFF_ABSOLUTE_HOURS": 12,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
    }


def check_shared_counters(config: dict) -> None:
    """Production counts every login attempt once, whichever app process receives it.

    Counters in process memory (``memory://``) let each process allow the whole budget: two
    servers of two gunicorn workers give an attacker four times the attempts. Production
    therefore needs a shared storage (Redis) unless the operator declares a single process.
    """
    if config["ENT_LITE_ENV"] != "production" or config.get("SINGLE_PROCESS"):
        return
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise RuntimeError(
            "ENT_LITE_RATELIMIT_STORAGE_URI must name a storage every app process shares in production "
            "(e.g. redis://redis-host:6379/0): memory:// counts login attempts per process. "
            "Serving the app with one single process? Set ENT_LITE_SINGLE_PROCESS=true."
        )


def ensure_secret_key(config: dict, instance_path: str) -> None:
    """Production needs a real key; other environments get one kept in the instance folder."""
    key = config.get("SECRET_KEY")
    if key and len(key) >= MIN_SECRET_LENGTH:
        return
    if config["ENT_LITE_ENV"] == "production":
        raise RuntimeError(
            "ENT_LITE_SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    config["SECRET_KEY"] = path.read_text().strip()
