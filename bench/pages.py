"""The pages a city uses most, served by gunicorn, against a bare Flask page served the same
way in the same run.

    .venv/bin/python bench/pages.py                                   # SQLite file, reused per seed
    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:55432/ent_bench

A generated city of ``--children`` children (``ent_lite.generator``, the same seed gives the
same city and a second run finds it there) is served by gunicorn with 2 workers on loopback,
in the demo's settings (cookies without Secure on http); ``bench/bare_flask.py`` is served
beside it the same way. A guardian of two children with a thread about one of them and the
teacher of the first child's class log in through the form; then ``--clients`` threads load
each page for ``--seconds``: the family feed, the class's latest post, the conversations
list, the teacher's tracking page of that post and the family calendar; then, as the floor
that bounds them, the family's "My account" page (session, menu counts and layout, no list)
and the login page served to nobody. Every response must be a 200 carrying the page's own
title (a login redirect or form fails the run, except on the login page).

Prints per page: requests per second, p50 and p95 latency, the ratio to the bare page's
requests per second (the bare page is loaded just before each page, for half as long, so a
machine whose load drifts compares like with like), and the in-process time (Flask test client, median of ``--in-process``),
which separates the app's cost from HTTP's. ``--profile PAGE`` prints the in-process profile
of one page instead (``SORT=tottime`` to order it by own time), ``--no-http`` the in-process
times alone. Figures only; it asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exists, func, select

from ent_lite import create_app
from ent_lite.accounts.models import Membership, User
from ent_lite.conversations.models import Thread
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.generator.bulk import analyze
from ent_lite.generator.city import PASSWORD, city_name, generate_city
from ent_lite.posts.models import Post, PostAudience
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.models import Child, Enrolment, Group, GroupKind, GuardianLink

import bare_flask
from city import free_port
from load import CSRF, Browser, BenchError, get, load

BENCH = Path(__file__).resolve().parent
_TITLE = re.compile(r"<title>.*?</title>", re.S)


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "family", "teacher" or "nobody" (signed out)
    path: str


def settings(url: str, folder: Path) -> dict[str, str]:
    """The demo's settings, as environment variables (gunicorn's workers read them too)."""
    return {"ENT_LITE_ENV": "demo", "ENT_LITE_DATABASE_URL": url, "ENT_LITE_INSTANCE_PATH": str(folder),
            "ENT_LITE_SECRET_KEY": "bench-" + "k" * 40, "ENT_LITE_FILES_PATH": str(folder / "files")}


def build_city(children: int, seed: int) -> int:
    """The seed's city, generated unless already there; returns its id."""
    db.create_all()
    generated = generate_city(children, seed, utcnow())
    if generated.created:
        db.session.commit()
        analyze()
        print(f"generated {city_name(seed)} in {generated.seconds:.0f} s")
    return generated.city.id


def choose_people(city_id: int) -> tuple[str, str, list[Page]]:
    """A guardian of two children with a thread about one of them, the teacher of the first
    child's class and that class's latest published post: (family email, teacher email, pages)."""
    two_children = (select(GuardianLink.user_id).join(Child).where(Child.city_id == city_id)
                    .group_by(GuardianLink.user_id).having(func.count() == 2))
    with_thread = exists(select(Thread.id).join(GuardianLink, GuardianLink.child_id == Thread.child_id)
                         .where(GuardianLink.user_id == User.id))
    family = db.session.scalar(select(User).where(User.id.in_(two_children), with_thread).order_by(User.id).limit(1))
    child_id = db.session.scalar(select(GuardianLink.child_id).where(GuardianLink.user_id == family.id)
                                 .order_by(GuardianLink.child_id).limit(1))
    group_id = db.session.scalar(select(Group.id).join(Enrolment).where(
        Enrolment.child_id == child_id, Group.kind == GroupKind.CLASS).order_by(Group.school_year.desc()).limit(1))
    teacher = db.session.scalar(select(User).join(Membership).where(Membership.group_id == group_id).limit(1))
    post = db.session.scalar(select(Post).join(PostAudience).where(
        PostAudience.kind == "group", PostAudience.value == str(group_id), Post.published_dt <= utcnow())
        .order_by(Post.published_dt.desc()).limit(1))
    for reader in (family, teacher):
        # As if they had read this run's notice: its version hashes the settings, and the city
        # may have been generated under others (the login would stop at the notice).
        reader.privacy_notice_version = current_notice_version()
    db.session.commit()
    pages = [Page("family feed", "family", "/news"), Page("post page", "family", f"/news/{post.public_id}"),
             Page("conversations", "family", "/messages"),
             Page("tracking (teacher)", "teacher", f"/news/{post.public_id}/tracking"),
             Page("calendar", "family", "/agenda"),
             # What bounds the others: the signed-in floor (session, menu counts, layout) and
             # the app without a reader (the login form).
             Page("my account (floor)", "family", "/account"), Page("login page (nobody)", "nobody", "/login")]
    return family.email, teacher.email, pages


def median_ms(client, path: str, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise BenchError(f"{path}: {response.status_code} in process")
    return statistics.median(times) * 1000


def in_process(app, emails: dict[str, str], pages: list[Page], n: int, profile: str | None):
    """Each page's title (what the served page must carry) and median time in process."""
    clients = {}
    for who, email in emails.items():
        clients[who] = app.test_client()
        token = CSRF.search(clients[who].get("/login").get_data(as_text=True)).group(1)
        response = clients[who].post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        if response.status_code != 302:
            raise BenchError(f"login refused in process for the {who}")
    clients["nobody"] = app.test_client()
    titles, times = {}, {}
    for page in pages:
        body = clients[page.who].get(page.path).get_data(as_text=True)
        titles[page.name] = _TITLE.search(body).group(0)
        if profile == page.name:
            profiler = cProfile.Profile()
            profiler.runcall(median_ms, clients[page.who], page.path, n)
            if os.environ.get("PROFILE_OUT"):  # for pstats' callers/callees views
                profiler.dump_stats(os.environ["PROFILE_OUT"])
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        times[page.name] = median_ms(clients[page.who], page.path, n)
    times["bare Flask"] = median_ms(bare_flask.app.test_client(), "/", n)
    return titles, times


def serve(target: str, env: dict[str, str], *options: str) -> tuple[subprocess.Popen, int]:
    """gunicorn, 2 workers on loopback, answering on the returned port."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--log-level", "warning", *options, target], env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            get(port, "/login" if "ent_lite" in target else "/")
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise BenchError(f"gunicorn did not start {target}")
            time.sleep(0.2)


def checker(title: str, signed_in: bool = True):
    def check(status: int, body: str) -> None:
        if status != 200 or title not in body or (signed_in and 'action="/login"' in body):
            raise BenchError(f"not the page: {status} without {title}")
    return check


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="PostgreSQL (default: a SQLite file in the temporary folder)")
    parser.add_argument("--children", type=int, default=7000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8, help="of load, per page")
    parser.add_argument("--in-process", type=int, default=30, help="requests per page timed in process")
    parser.add_argument("--profile", help="print the in-process profile of this page (e.g. 'family feed')")
    parser.add_argument("--no-http", action="store_true", help="the in-process times only")
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "ent_lite_bench_pages"
    folder.mkdir(exist_ok=True)
    url = args.database_url or f"sqlite:///{folder}/city-seed{args.seed}-{args.children}.sqlite3"
    # The caller's PYTHONPATH first: the workers serve the tree this process imports.
    env = {**os.environ, **settings(url, folder), "PYTHONPATH": os.pathsep.join(
        [os.environ.get("PYTHONPATH", ""), str(BENCH), str(BENCH.parent)])}
    os.environ.update(settings(url, folder))
    app = create_app()  # the settings gunicorn's workers get
    with app.app_context():
        city_id = build_city(args.children, args.seed)
        family, teacher, pages = choose_people(city_id)
        emails = {"family": family, "teacher": teacher}
    titles, in_ms = in_process(app, emails, pages, args.in_process, args.profile)
    if args.profile:
        return
    if args.no_http:
        for name, ms in in_ms.items():
            print(f"{name:<20} {ms:7.1f} ms in process")
        return

    servers = []
    try:
        server, port = serve("ent_lite:create_app()", env)
        servers.append(server)
        bare, bare_port = serve("bare_flask:app", env)
        servers.append(bare)
        browsers = {who: Browser(port) for who in emails}
        for who, browser in browsers.items():
            browser.login(emails[who], PASSWORD)
        rows = []
        bare_check = checker(_TITLE.search(bare_flask.PAGE).group(0))
        warm = min(2.0, args.seconds)
        load(bare_port, "/", "", bare_check, args.clients, warm)
        for page in pages:
            cookie = browsers[page.who].cookie if page.who in browsers else ""
            check = checker(titles[page.name], signed_in=page.who != "nobody")
            load(port, page.path, cookie, check, args.clients, warm)
            # The baseline just before each page: the machine's load drifts between pages.
            baseline = load(bare_port, "/", "", bare_check, args.clients, args.seconds / 2)
            rows.append((page.name, baseline, load(port, page.path, cookie, check, args.clients, args.seconds)))
    finally:
        for server in servers:
            server.terminate()
            server.wait()

    print(f"{url.split(':')[0].split('+')[0]}, {args.children} children "
          f"(seed {args.seed}), gunicorn 2 workers, {args.clients} clients, {args.seconds:.0f} s a page")
    print(f"{'page':<20} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'in-process ms':>14}"
          f" {'bare req/s':>11}")
    bare_rates = []
    for name, baseline, result in rows:
        bare_rates.append(baseline.rate)
        print(f"{name:<20} {result.rate:7.1f} {result.percentile(50) * 1000:7.0f} {result.percentile(95) * 1000:7.0f}"
              f" {result.rate / baseline.rate:6.3f} {in_ms[name]:14.1f} {baseline.rate:11.0f}")
    print(f"{'bare Flask (mean)':<20} {statistics.mean(bare_rates):7.0f} {'':>7} {'':>7} {1:6.3f}"
          f" {in_ms['bare Flask']:14.1f}")


if __name__ == "__main__":
    main()
