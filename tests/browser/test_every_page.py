"""Every page as every role on a 360×740 phone: no target under 44×44 CSS px, no sideways
scrolling, no axe violation, with <details> closed and open. The pages come from the URL map
(see tests/browser/every_page.py); all problems of all pages are listed in one failure.

With PAGE_LENGTHS_OUT set, the page lengths (in screens) are also written there as JSON, for
bench/page_lengths.py.
"""
from __future__ import annotations

import json
import os

from tests.browser.every_page import EXCLUDED, ROLES, get_endpoints, visit_everything


def test_every_page_as_every_role(app, chromium, live_server, world, axe):
    report = visit_everything(app, chromium, live_server, world, axe=axe)
    if os.environ.get("PAGE_LENGTHS_OUT"):
        with open(os.environ["PAGE_LENGTHS_OUT"], "w", encoding="utf-8") as out:
            json.dump(report.screens, out, indent=1, ensure_ascii=False)
    assert set(report.screens) == set(ROLES)
    # Completeness: every GET page was shown (200) to some role, or is excluded with a reason.
    unvisited = get_endpoints(app) - EXCLUDED.keys() - report.rendered
    assert not unvisited, f"GET pages no role saw: {sorted(unvisited)}"
    assert not report.problems, f"{len(report.problems)} problems:\n" + "\n".join(report.problems)
