"""Where the schools' and pupils' columns belong in the retention policy.

Schools, classes and groups name no one. A pupil's record (``pupil_records``) lives until 90
days (by default) after the child's departure; the purge erases the child then, through the
erasure service (ent_lite.erasure.retention).
"""
from __future__ import annotations

from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns

classify_columns("city", {
    NOT_PERSONAL: "id public_id name",
})
classify_columns("establishment", {
    NOT_PERSONAL: "id public_id city_id kind name district absence_cutoff",
})
classify_columns("school_group", {
    NOT_PERSONAL: "id public_id establishment_id kind name school_year levels periscolaire_kind",
})
classify_columns("child", {
    "pupil_records": "id public_id city_id first_name last_name birth_date level created_dt left_dt",
})
classify_columns("enrolment", {
    "pupil_records": "id child_id group_id",
})
classify_columns("guardian_link", {
    "pupil_records": "id child_id user_id rank relation legal_authority",
})
# A guardian held by the roster import until an administrator tells them from a namesake.
classify_columns("roster_review", {
    "pupil_records": "id public_id city_id child_id rank last_name first_name relation legal_authority "
                     "phone candidate_id line school_year created_dt",
})
