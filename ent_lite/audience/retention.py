"""Where the audience rules' columns belong in the retention policy.

A post's audience by criteria (ages, districts...) names no one and goes with its post, or
with the last calendar event still using it (ent_lite.agenda.retention).
"""
from __future__ import annotations

from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns

classify_columns("audience_rule", {
    NOT_PERSONAL: "id city_id post_id min_age max_age age_on born_from born_until created_dt",
})
classify_columns("audience_rule_part", {
    NOT_PERSONAL: "id rule_id kind value",
})
