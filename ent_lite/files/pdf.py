"""Rewriting uploaded PDFs without their metadata and active content (PRIVACY.md 30).

A PDF is a program as much as a document: it can run JavaScript when opened, launch other
programs, submit data to a server, carry whole files inside it, and its metadata often names
its author, their computer and the address typed in the title. The document is opened with
qpdf (through pikepdf), everything of that kind is removed, and only what the pages still
reference is written back. What cannot be opened (a password, a damaged file) is refused
rather than stored as it came. Plain functions of bytes: no request, no database.
"""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

# Actions that run code, open or send something outside the document, or play media. Links to
# web pages (/URI, http and mailto only) and moves inside the document (/GoTo) stay.
UNSAFE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/GoTo3DView",
    "/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/Thread",
})
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
# Annotations that hold a file or play media: removed from the page.
UNSAFE_ANNOTATIONS = frozenset({"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"})
# Keys dropped wherever they are: triggers (/AA, /OpenAction), metadata (/Metadata is XMP,
# /PieceInfo is an editor's private data), embedded files (/EF, /AF, /EmbeddedFiles,
# /Collection) and XFA forms, which carry scripts of their own.
DROPPED_KEYS = ("/AA", "/OpenAction", "/Metadata", "/PieceInfo", "/EF", "/AF", "/EmbeddedFiles",
                "/Collection", "/XFA", "/JavaScript", "/JS")
ACTION_KEYS = ("/A", "/Next", "/PA")


class PdfNotCleanable(Exception):
    """The PDF cannot be opened or rewritten (password, damaged file)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "encrypted" or "damaged"


def clean_pdf(data: bytes) -> bytes:
    """The same pages without metadata, scripts, launch or submit actions and embedded files."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _strip(pdf)
            out = io.BytesIO()
            # Streams are copied as they are (never inflated here, so a compressed bomb stays
            # small); only objects still reachable from the pages are written.
            pdf.save(out, encryption=False, fix_metadata_version=False, deterministic_id=True,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    except pikepdf.PasswordError:
        raise PdfNotCleanable("encrypted") from None
    except PdfNotCleanable:
        raise
    except Exception:  # qpdf raises several types on damaged input; none may become a 500.
        raise PdfNotCleanable("damaged") from None
    return out.getvalue()


def _strip(pdf: pikepdf.Pdf) -> None:
    if len(pdf.pages) == 0:
        raise PdfNotCleanable("damaged")
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, Array):
            page.obj["/Annots"] = Array([a for a in annotations if not _unsafe_annotation(a)])
    _walk(pdf.Root)


def _unsafe_annotation(annotation) -> bool:
    return isinstance(annotation, Dictionary) and annotation.get("/Subtype") in UNSAFE_ANNOTATIONS


def _unsafe_action(action) -> bool:
    if not isinstance(action, Dictionary):
        return False
    kind = action.get("/S")
    if kind in UNSAFE_ACTIONS:
        return True
    if kind == Name.URI:
        return not str(action.get("/URI", "")).lower().startswith(SAFE_URI_SCHEMES)
    return False


def _walk(root) -> None:
    """Remove the dropped keys and unsafe actions from every dictionary reachable from ``root``.

    Iterative: a long chain (thousands of bookmarks linked by /Next) must not exhaust the stack.
    """
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, (Dictionary, Array, pikepdf.Stream)):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Array):
            stack.extend(obj)
            continue
        for key in DROPPED_KEYS:
            if key in obj:
                del obj[key]
        for key in ACTION_KEYS:
            value = obj.get(key)
            if isinstance(value, Array):
                obj[key] = Array([a for a in value if not _unsafe_action(a)])
            elif _unsafe_action(value):
                del obj[key]
        stack.extend(obj[key] for key in obj.keys() if key != "/Parent")
