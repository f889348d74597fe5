"""The cahier de liaison on a phone: a teacher posts an outing that needs a signature, with a
photo and an authorisation; a parent signs, opens the photo and answers; the teacher sees who
signed and downloads the answers — every page accessible, every request first-party."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from PIL import Image

from tests.browser.conftest import PHONE, Recorder, log_in, log_out

TITLE = "Sortie en forêt jeudi"
CONSENT = "I authorise my child to take part"
LUNCH = "Will your child bring a packed lunch?"
# Hidden data a phone puts in a photo; the served copy must not carry it (PRIVACY.md 30).
HIDDEN_NOTE = "ent_lite-hidden-note-gps"


def _in_english(page):
    page.locator("button[name=lang][value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def _new_phone(chromium, live_server):
    """A second phone (its own cookies), recording its requests like the `phone` fixture."""
    context = chromium.new_context(base_url=live_server, locale="fr-FR", **PHONE)
    page = context.new_page()
    page.recorder = Recorder()
    page.on("request", lambda request: page.recorder.requests.append(request.url))
    return context, page


def _photo_with_metadata(path):
    """An 800x600 JPEG as a phone takes it: a picture plus EXIF and a comment."""
    image = Image.new("RGB", (800, 600))
    image.putdata([(x * 255 // 800, y * 255 // 600, 120) for y in range(600) for x in range(800)])
    exif = Image.Exif()
    exif[0x010E] = HIDDEN_NOTE  # ImageDescription
    image.save(path, "JPEG", quality=90, exif=exif.tobytes(), comment=HIDDEN_NOTE.encode())
    data = path.read_bytes()
    assert HIDDEN_NOTE.encode() in data
    return data


def test_a_teacher_asks_for_a_signature_and_an_authorisation_and_collects_the_answers(
        phone, chromium, world, live_server, tmp_path, request, check_accessibility):
    photo_path = tmp_path / "foret.jpg"
    uploaded = _photo_with_metadata(photo_path)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    checked = []

    def check(page):
        checked.append(urlsplit(page.url).path)
        check_accessibility(page)

    # --- the teacher writes the post -----------------------------------------------------------
    log_in(phone, world.teacher_a)
    _in_english(phone)
    phone.get_by_role("link", name="Write a post").click()
    phone.wait_for_url("**/news/new")
    check(phone)
    phone.fill("input[name=title]", TITLE)
    phone.fill("textarea[name=body]", "Nous partons à 9 h. Prévoir des **bottes** et un vêtement de pluie.")
    phone.locator("input[name=targets]").first.check()
    phone.locator("#part-signature > summary").click()  # optional parts open on demand
    phone.get_by_label("Ask families to sign").check()
    phone.fill("input[name=ack_due_date]", (today + timedelta(days=5)).isoformat())
    phone.locator("#part-photos > summary").click()
    phone.set_input_files("input[name=files]", str(photo_path))
    phone.locator("#part-poll > summary").click()
    phone.locator("input[name='poll-kind'][value='authorisation']").check()
    phone.fill("input[name='poll-deadline_date']", (today + timedelta(days=4)).isoformat())
    phone.fill("input[name='poll-questions-0-text']", LUNCH)
    phone.select_option("select[name='poll-questions-0-kind']", "yes_no")
    check(phone)
    phone.get_by_role("button", name="Publish").click()
    phone.wait_for_url("**/news/*")
    assert "Published to 1 family." in phone.locator("main").inner_text()
    post_path = urlsplit(phone.url).path
    check(phone)
    detail = phone.locator("main").inner_text()
    assert "Authorisation" in detail and CONSENT in detail and LUNCH in detail
    assert phone.get_by_role("link", name="Who has read and signed").is_visible()

    # --- a parent of the class, with legal authority, on their own phone ------------------------
    parent_context, parent = _new_phone(chromium, live_server)
    request.addfinalizer(parent_context.close)  # also when a step fails; closing twice is harmless
    log_in(parent, world.parent_a)
    _in_english(parent)
    check(parent)
    # Their home shows first what to do: sign the post, answer its authorisation.
    to_do = parent.locator("section.todo")
    assert to_do.get_by_role("link", name=f"Sign: {TITLE}").is_visible()
    assert to_do.get_by_role("link", name=f"Answer the authorisation: {TITLE}").is_visible()
    parent.get_by_role("link", name=TITLE, exact=True).click()
    parent.wait_for_url(f"**{post_path}")
    check(parent)
    signature = parent.locator("#signature")
    assert "sign this message before" in signature.inner_text()
    signature.get_by_role("button", name="Sign for Awa").click()
    parent.wait_for_url(f"**{post_path}*")
    assert "Thank you: your signature is recorded." in parent.locator("main").inner_text()
    assert "you signed on" in parent.locator("#signature").inner_text()
    assert parent.locator("#signature").get_by_role("button").count() == 0
    check(parent)

    # The thumbnail shows, and opens the photo itself: re-encoded, without its hidden data.
    thumbnail = parent.get_by_role("img", name="Photo: foret.jpg")
    thumbnail.scroll_into_view_if_needed()
    parent.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    with parent.expect_response(lambda r: urlsplit(r.url).path.startswith("/files/")
                                and not r.url.endswith("/thumb")) as served:
        parent.get_by_role("link", name="Photo: foret.jpg").click()
    photo = served.value
    assert photo.status == 200
    assert photo.headers["content-type"].startswith("image/"), photo.headers["content-type"]
    served_bytes = photo.body()
    assert served_bytes != uploaded and HIDDEN_NOTE.encode() not in served_bytes
    with Image.open(io.BytesIO(served_bytes)) as decoded:
        assert decoded.size == (800, 600)
        assert not decoded.getexif()
    parent.wait_for_load_state()
    assert parent.evaluate("document.images.length && document.images[0].naturalWidth") == 800
    parent.go_back()
    parent.wait_for_url(f"**{post_path}*")

    # The authorisation: yes for the outing, no packed lunch.
    answers = parent.locator("#answers")
    answers.get_by_role("group", name=CONSENT).get_by_role("radio", name="Yes").check()
    answers.get_by_role("group", name=LUNCH).get_by_role("radio", name="No").check()
    answers.get_by_role("button", name="Send my answer").click()
    parent.wait_for_url(f"**{post_path}*")
    assert "Your answer has been saved." in parent.locator("main").inner_text()
    answers = parent.locator("#answers")
    assert "Answered by you on" in answers.inner_text()
    assert answers.get_by_role("group", name=CONSENT).get_by_role("radio", name="Yes").is_checked()
    assert answers.get_by_role("button", name="Change my answer").is_visible()
    check(parent)
    parent_requests = parent.recorder.requests
    parent_context.close()

    # --- the teacher comes back: who signed, then the answers -----------------------------------
    log_out(phone)
    phone.wait_for_url("**/login*")
    check(phone)
    log_in(phone, world.teacher_a)
    check(phone)
    phone.get_by_role("link", name=TITLE).click()
    phone.wait_for_url(f"**{post_path}")
    assert "1 of 1 child has an answer." in phone.locator("#answers").inner_text()
    phone.get_by_role("link", name="Who has read and signed").click()
    phone.wait_for_url("**/tracking")
    check(phone)
    tracking = phone.locator("main").inner_text()
    assert "Read by 1 of 1 family" in tracking
    assert "Signed for 1 of 1 child" in tracking
    row = phone.get_by_role("row", name="Diallo Awa")
    assert row.get_by_role("cell").nth(1).inner_text() == "Read"
    assert row.get_by_role("cell").nth(2).inner_text().startswith("Signed")

    phone.get_by_role("link", name=TITLE).click()
    phone.wait_for_url(f"**{post_path}")
    phone.locator("#answers").get_by_role("link", name="See the answers").click()
    phone.wait_for_url("**/results")
    check(phone)
    results = phone.locator("main").inner_text()
    assert "1 of 1 child has an answer." in results
    assert "Every child has an answer." in results
    consent_counts = phone.get_by_role("heading", name=CONSENT, level=3).locator(
        "xpath=following-sibling::table[1]")
    assert consent_counts.get_by_role("row", name="Yes").get_by_role("cell").inner_text() == "1"

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download the answers (CSV spreadsheet)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, *lines = table
    assert header[:2] == ["Child", "Class"] and CONSENT in header and LUNCH in header
    assert len(lines) == 1, table
    answer = dict(zip(header, lines[0]))
    assert answer["Child"] == "Awa Diallo" and answer["Class"] == "CP A"
    assert answer[CONSENT] == "Yes" and answer[LUNCH] == "No"
    assert answer["Answered by"] == "Fatou Diallo"

    # Everything both phones fetched came from the app itself.
    app_host = urlsplit(live_server).netloc
    assert phone.recorder.hosts() == {app_host}
    assert {urlsplit(u).netloc for u in parent_requests if not u.startswith("data:")} == {app_host}
    print(f"\npages checked with axe: {checked}")
