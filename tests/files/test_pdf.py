"""Uploaded PDFs are rewritten without metadata or active content, or refused (PRIVACY.md 30)."""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from sqlalchemy import func, select

from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.storage import get_storage
from tests.conversations.helpers import start_child

MARKERS = [b"AUTHOR-MARKER", b"ADDRESS-MARKER", b"XMP-MARKER", b"OPEN-JS-MARKER", b"CATALOG-AA-MARKER",
           b"NAMED-JS-MARKER", b"EMBEDDED-MARKER", b"LAUNCH-MARKER", b"PAGE-AA-MARKER", b"ANNOT-FILE-MARKER",
           b"SUBMIT-MARKER", b"SMB-MARKER"]
ACTIVE_KEYS = {"/OpenAction", "/AA", "/JavaScript", "/JS", "/EmbeddedFiles", "/EF", "/AF", "/Metadata"}
UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}


def action(kind: str, **fields) -> Dictionary:
    return Dictionary(S=Name(kind), **fields)


def loaded_pdf() -> bytes:
    """A one-page letter with every kind of metadata and active content a PDF can carry."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0].obj
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 760 Td (Sortie au musee) Tj ET")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = ["XMP-MARKER"]
    pdf.trailer.Info = pdf.make_indirect(Dictionary(Author=String("Marie AUTHOR-MARKER"),
                                                    Title=String("12 rue des Lilas ADDRESS-MARKER")))
    pdf.Root.OpenAction = pdf.make_indirect(action("/JavaScript", JS=String("app.alert('OPEN-JS-MARKER')")))
    pdf.Root.AA = Dictionary(WC=action("/JavaScript", JS=String("CATALOG-AA-MARKER")))
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"EMBEDDED-MARKER", mime_type="text/plain")
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([
        String("hello"), pdf.make_indirect(action("/JavaScript", JS=String("NAMED-JS-MARKER")))]))
    page.AA = Dictionary(O=action("/Launch", F=String("PAGE-AA-MARKER.exe")))
    annotations = [
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50],
                   A=action("/Launch", F=String("LAUNCH-MARKER.exe"))),
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 60, 50, 110],
                   A=action("/SubmitForm", F=String("https://evil.example/SUBMIT-MARKER"))),
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 120, 50, 170],
                   A=action("/URI", URI=String("file://server/share/SMB-MARKER"))),
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[60, 0, 110, 50],
                   A=action("/URI", URI=String("https://www.ville.example/cantine"))),
        Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[120, 0, 140, 20],
                   FS=Dictionary(Type=Name.Filespec, F=String("a.txt"),
                                 EF=Dictionary(F=pdf.make_stream(b"ANNOT-FILE-MARKER")))),
    ]
    page.Annots = pdf.make_indirect(Array([pdf.make_indirect(a) for a in annotations]))
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def every_object(pdf: pikepdf.Pdf):
    """Every dictionary and stream of the file, with stream data decoded."""
    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            yield obj


def send_in_a_message(client, thread, data: bytes, name: str = "sortie.pdf"):
    return client.post(f"/messages/{thread.public_id}/reply", content_type="multipart/form-data",
                       data={"body": "Voici le document.", "files": [(io.BytesIO(data), name)]})


def stored_bytes(attachment: Attachment) -> bytes:
    with get_storage().open(attachment.storage_key) as stream:
        return stream.read()


def test_the_loaded_pdf_really_carries_it_all():
    data = loaded_pdf()
    assert all(marker in data for marker in MARKERS)


def test_a_stored_pdf_keeps_its_pages_and_web_links_and_loses_metadata_and_active_content(world, login_as, english):
    thread, _ = start_child(world)
    response = send_in_a_message(login_as(world.parent_a), thread, loaded_pdf())
    assert response.status_code == 302
    stored = stored_bytes(db.session.scalar(select(Attachment)))
    assert not [marker for marker in MARKERS if marker in stored]
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1 and b"Sortie au musee" in pdf.pages[0].Contents.read_bytes()
        assert "/Info" not in pdf.trailer and len(pdf.attachments) == 0
        for obj in every_object(pdf):
            assert not ACTIVE_KEYS & set(obj.keys())
            assert obj.get("/S") not in UNSAFE_ACTIONS
            assert obj.get("/Subtype") != Name.FileAttachment
            if isinstance(obj, pikepdf.Stream):
                assert not [marker for marker in MARKERS if marker in obj.read_bytes()]
        links = [a.A.URI for a in pdf.pages[0].Annots if "/A" in a]
        assert links == ["https://www.ville.example/cantine"]  # a web link stays a link
    # The reader downloads the cleaned copy.
    login_as(world.teacher_a)
    attachment = db.session.scalar(select(Attachment))
    assert english.get(f"/files/{attachment.public_id}").data == stored


def test_a_pdf_behind_a_password_is_refused_with_a_clear_message(world, login_as, english):
    thread, _ = start_child(world)
    pdf = pikepdf.open(io.BytesIO(loaded_pdf()))
    locked = io.BytesIO()
    pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    pdf.close()
    response = send_in_a_message(login_as(world.parent_a), thread, locked.getvalue(), "bulletin.pdf")
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    assert "bulletin.pdf was refused: it is protected by a password." in page
    assert "Voici le document." in page  # what was typed is kept
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_a_damaged_pdf_is_refused_with_a_clear_message(world, login_as, english):
    thread, _ = start_child(world)
    response = send_in_a_message(login_as(world.parent_a), thread, b"%PDF-1.7\n" + b"\x00garbage" * 50, "scan.pdf")
    assert response.status_code == 400
    assert "scan.pdf could not be read: the document is damaged" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
