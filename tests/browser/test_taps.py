"""The taps of issue 10's four paths on a phone, for each family and author: each path must
reach its end (checked in the database by the flow). bench/taps.py runs this file with
TAPS_REPORT set to a file, where each case appends its taps as one JSON line."""
from __future__ import annotations

import json
import os

import pytest

from tests.browser import tap_flows


def _report(flow: str, case: str, taps) -> None:
    print(f"\n{flow} / {case}: {taps.count} taps, {taps.screens_scrolled:.1f} screens scrolled: {taps.steps}")
    path = os.environ.get("TAPS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as report:
            report.write(json.dumps({"flow": flow, "case": case, "taps": taps.count,
                                     "screens": round(taps.screens_scrolled, 1), "steps": taps.steps}) + "\n")


@pytest.mark.parametrize("case", tap_flows.FAMILIES)
def test_a_parent_activates_their_account(phone, world, case):
    _report("activate", case, tap_flows.activate(phone, world, tap_flows.FAMILIES[case]))


@pytest.mark.parametrize("case", tap_flows.FAMILIES)
def test_a_parent_signs_for_all_their_children(phone, world, case):
    taps = tap_flows.sign(phone, world, tap_flows.FAMILIES[case])
    _report("sign for all children", case, taps)
    # "Sign for all" exists: a family of three signs in as many taps as a family of one.
    assert taps.count <= 2, taps.steps


@pytest.mark.parametrize("case", tap_flows.FAMILIES)
def test_a_parent_answers_an_authorisation_for_all_their_children(phone, world, case):
    _report("answer an authorisation for all children", case,
            tap_flows.authorise(phone, world, tap_flows.FAMILIES[case]))


@pytest.mark.parametrize("case", tap_flows.AUTHORS)
def test_an_author_publishes_a_post_with_a_photo(phone, world, case, tmp_path):
    _report("publish a post with a photo", case, tap_flows.publish(phone, world, case, tmp_path / "plantations.jpg"))
