"""Helpers for the data-rights tests: a guardian's export made and read through the pages."""
from __future__ import annotations

import io
import re
import zipfile

import pytest


def download_link(page: str) -> str:
    return re.search(r'href="(/privacy/my-data/export/[^"]+)"', page).group(1)


@pytest.fixture
def export_zip():
    """Ask for an export as the logged-in guardian and download it; returns (ZipFile, url)."""

    def _export(client):
        response = client.post("/privacy/my-data/export")
        assert response.status_code == 302, response.get_data(as_text=True)
        url = download_link(client.get("/privacy/my-data").get_data(as_text=True))
        download = client.get(url)
        assert download.status_code == 200
        assert download.mimetype == "application/zip"
        return zipfile.ZipFile(io.BytesIO(download.data)), url

    return _export
