"""Request bodies without a Content-Length (Transfer-Encoding: chunked) obey the size limit.

Werkzeug checks a declared Content-Length against ``MAX_CONTENT_LENGTH`` before reading,
but a chunked body declares none: it only stops reading at the limit, so a form body
over the limit was cut there and what came before was processed as if complete. Here such
a body is read in full, up to one byte past the limit, before anyone parses it: over the
limit it is refused with 413, like a too-long Content-Length; otherwise the parsers read
the complete copy. The copy stays in memory up to ``SPOOL_IN_MEMORY`` bytes, then on disk.
"""
from __future__ import annotations

import tempfile
import typing as t

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property

SPOOL_IN_MEMORY = 1024 * 1024
READ_SIZE = 64 * 1024


def read_whole_body(source: t.IO[bytes], limit: int) -> t.IO[bytes]:
    """A rewound copy of a stream of unknown length; RequestEntityTooLarge past ``limit`` bytes."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    size = 0
    while chunk := source.read(min(READ_SIZE, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            copy.close()
            raise RequestEntityTooLarge()
        copy.write(chunk)
    copy.seek(0)
    return copy


class LimitedRequest(Request):
    """The application's request class (see the module docstring)."""

    _body_copy: t.IO[bytes] | None = None

    @cached_property
    def stream(self) -> t.IO[bytes]:
        limit = self.max_content_length
        # The server says it ends the input stream itself (chunked bodies): only then may the
        # body be read without a length, and only then did Werkzeug read it up to the limit.
        if limit is None or self.content_length is not None or not self.environ.get("wsgi.input_terminated"):
            return super().stream
        self._body_copy = read_whole_body(self.environ["wsgi.input"], limit)
        return self._body_copy

    def close(self) -> None:
        super().close()
        if self._body_copy is not None:
            self._body_copy.close()
