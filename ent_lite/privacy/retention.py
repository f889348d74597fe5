"""The retention policy: categories, default durations and bounds, and where each column belongs.

Every column of every table is listed in ``COLUMNS`` under a retention category or
``NOT_PERSONAL``; a test walks the models' metadata so a new column cannot go unclassified.
Durations count from an anchor: the end of the school year an item belongs to (the next
school-year start, 1 September as in ent_lite.school.services) or an event
(departure, use or expiry, creation). An administrator may override a duration within bounds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import has_app_context, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.school.services import SCHOOL_YEAR_START_MONTH

NOT_PERSONAL = "not_personal"
SCHOOL_YEAR_END = "school_year_end"
EVENT = "event"


@dataclass(frozen=True)
class Category:
    key: str
    anchor: str  # SCHOOL_YEAR_END or EVENT
    days: int
    min_days: int
    max_days: int
    # Deleted by ``flask ent-lite purge``; other categories are removed by the service that owns them.
    purged: bool = True


# Durations (PRIVACY.md "Default retention") and the bounds an administrator may choose within.
CATEGORIES: dict[str, Category] = {c.key: c for c in (
    # School ENT rules: content renewed each school year, deleted within 3 months after.
    Category("class_content", SCHOOL_YEAR_END, 90, 0, 365),
    Category("conversations", SCHOOL_YEAR_END, 90, 0, 365),
    Category("read_receipts", SCHOOL_YEAR_END, 90, 0, 365),
    Category("form_answers", SCHOOL_YEAR_END, 90, 0, 365),
    # Answers to questions marked "health or allergy": counted from the form's deadline
    # (PRIVACY.md 10: sensitive notes are blanked shortly after the activity).
    Category("health_answers", EVENT, 15, 1, 30),
    # Counted from the child's departure (families: from their last child's departure).
    Category("pupil_records", EVENT, 90, 0, 365),
    Category("accounts", EVENT, 90, 0, 365),
    # Counted from use or expiry; a few days let support answer "my code does not work".
    Category("security_tokens", EVENT, 7, 0, 30),
    # Proof of consent is kept after the consent ends for the 5-year limitation period of
    # civil claims (Code civil art. 2224), during which the city may have to prove it.
    Category("consent_records", EVENT, 5 * 365, 365, 5 * 365),
    # CNIL logging recommendation: 6 months to 1 year.
    Category("audit_log", EVENT, 365, 183, 365),
    Category("data_exports", EVENT, 2, 1, 7, purged=False),
    # Proof that a request was answered, for the same limitation period as consents.
    Category("rights_requests", EVENT, 5 * 365, 365, 5 * 365),
    # What notification was sent to whom, when, by which channel and with what result; never
    # what it said. Counted from when each record was written (an item's creation, a send,
    # an event's fan-out). Long enough to answer "I never got the mail about the outing" and
    # to watch refused addresses; 7 days at least, so a weekly digest is never older than its
    # record; 90 days at most, since it only repeats what the app itself shows.
    Category("notifications", EVENT, 30, 7, 90),
    # Photos and documents chosen for a post its author has not published yet, kept so that a
    # form sent back for correction need not be filled again (ent_lite.files.drafts). Counted
    # from the upload; one day is enough to finish a post, a week at most.
    Category("draft_files", EVENT, 1, 1, 7),
    # Activities and their registrations, rosters, attendance and lottery tickets: one school
    # year active, one archived (PRIVACY.md "Default retention"), counted from the end of the
    # school year of the activity's last session.
    Category("activity_registrations", SCHOOL_YEAR_END, 365, 90, 730),
    # The family's note for the organiser (health, allergies): counted from the activity's last
    # session (PRIVACY.md 10: blanked shortly after the activity).
    Category("activity_health_notes", EVENT, 15, 1, 30),
    # The family-quotient bracket a guardian declared for a school year.
    Category("family_brackets", SCHOOL_YEAR_END, 365, 90, 730),
    # A family's absence notices (who, which days, to whom, seen when): the school year, as
    # class content, so a disagreement about a day can still be settled after the summer.
    Category("absence_notices", SCHOOL_YEAR_END, 90, 0, 365),
    # The reason a family gave for an absence may be about health: blanked shortly after the
    # notice's last day, as health answers to forms are.
    Category("absence_reasons", EVENT, 15, 1, 30),
)}


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# table -> {category: columns}. Keys and flags that say nothing about a person are not personal;
# identifiers of a personal row share its category (they are deleted with it).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "city": {NOT_PERSONAL: _cols("id public_id name")},
    "establishment": {NOT_PERSONAL: _cols("id public_id city_id kind name district absence_cutoff")},
    "school_group": {NOT_PERSONAL: _cols("id public_id establishment_id kind name school_year levels "
                                         "periscolaire_kind")},
    "user_account": {
        "accounts": _cols("id public_id city_id role first_name last_name email phone password_hash "
                          "session_nonce locale is_enabled privacy_notice_version created_dt "
                          "activated_dt last_login_dt password_changed_dt totp_secret totp_pending_secret "
                          "totp_last_step pending_email"),
    },
    # Second-factor recovery codes live as long as the account's second factor.
    "recovery_code": {"accounts": _cols("id user_id code_hash created_dt used_dt")},
    "membership": {"accounts": _cols("id user_id establishment_id group_id")},
    # The hash of a logged-out device's random key, in no other table: it names no one.
    "revoked_login": {NOT_PERSONAL: _cols("id key_hash expires_dt")},
    "activation_code": {"security_tokens": _cols("id user_id code_hash created_dt expires_dt used_dt")},
    "account_token": {"security_tokens": _cols("id user_id purpose token_hash created_dt expires_dt used_dt")},
    "child": {"pupil_records": _cols("id public_id city_id first_name last_name birth_date level created_dt left_dt")},
    "enrolment": {"pupil_records": _cols("id child_id group_id")},
    "guardian_link": {"pupil_records": _cols("id child_id user_id rank relation legal_authority")},
    # A guardian held by the roster import until an administrator tells them from a namesake.
    "roster_review": {"pupil_records": _cols("id public_id city_id child_id rank last_name first_name relation "
                                             "legal_authority phone candidate_id line school_year created_dt")},
    "post": {
        "class_content": _cols("id public_id author_id title body_markdown body_html created_dt "
                               "published_dt expires_dt edited_dt ack_due_dt reminded_dt"),
        NOT_PERSONAL: _cols("submission_token is_optional_info establishment_id is_urgent is_pinned replies_allowed requires_ack ack_every_guardian"),
    },
    "post_audience": {"class_content": _cols("id post_id kind value")},
    # A post's audience by criteria (ages, districts...): names no one, goes with its post.
    "audience_rule": {NOT_PERSONAL: _cols("id city_id post_id min_age max_age age_on born_from born_until created_dt")},
    "audience_rule_part": {NOT_PERSONAL: _cols("id rule_id kind value")},
    "post_photo_child": {"class_content": _cols("id post_id child_id")},
    "attachment": {
        "class_content": _cols("id public_id post_id message_id uploader_id display_name storage_key "
                               "thumbnail_key created_dt"),
        NOT_PERSONAL: _cols("kind content_type size_bytes width height"),
    },
    "post_form": {
        "class_content": _cols("id public_id post_id deadline_dt created_dt"),
        NOT_PERSONAL: _cols("kind answered_per"),
    },
    "form_question": {
        "class_content": _cols("id form_id label choices_json"),
        NOT_PERSONAL: _cols("position kind is_required is_health"),
    },
    "post_signature": {"form_answers": _cols("id post_id child_id user_id signed_dt")},
    "form_response": {"form_answers": _cols("id public_id form_id child_id respondent_id respondent_key created_dt updated_dt")},
    "form_answer": {"form_answers": _cols("id response_id question_id value")},
    "post_read": {"read_receipts": _cols("id post_id user_id read_dt")},
    "thread_read": {"read_receipts": _cols("id thread_id user_id last_read_dt")},
    "thread": {
        "conversations": _cols("id public_id establishment_id child_id guardian_id post_id subject "
                               "started_by_id created_dt last_message_dt closed_dt closed_by_id"),
    },
    "thread_member": {"conversations": _cols("id thread_id user_id")},
    "message": {"conversations": _cols("id public_id thread_id author_id body created_dt withdrawn_dt")},
    "consent_record": {
        "consent_records": _cols("id public_id guardian_id child_id purpose audience notice_hash granted created_dt"),
    },
    "audit_entry": {
        "audit_log": _cols("id created_dt actor_ref actor_role action target_ref outcome details "
                           "prev_hash entry_hash"),
    },
    "audit_checkpoint": {NOT_PERSONAL: _cols("id created_dt through_id through_hash")},
    "retention_override": {NOT_PERSONAL: _cols("category days updated_dt")},
    "data_export": {"data_exports": _cols("id public_id user_id created_dt export_day expires_dt storage_key size")},
    # Preferences, devices and a refused address live as long as the account they serve.
    # A device's push endpoint and keys go with its subscription.
    "notification_preferences": {
        "accounts": _cols("user_id news_email news_push todo_email todo_push messages_email messages_push "
                          "digest_minute weekly_day quiet_start_minute quiet_end_minute quiet_weekends updated_dt"),
    },
    "push_subscription": {
        "accounts": _cols("id public_id user_id endpoint p256dh auth device_label created_dt last_success_dt"),
    },
    "email_problem": {"accounts": _cols("id user_id address smtp_code detail recorded_dt shown_dt")},
    # The record of what was sent: no content, only kinds, dates, channels and outcomes.
    "notification_event": {
        "notifications": _cols("id post_id message_id registration_id actor_id due_dt created_dt not_before_dt fanout_cursor "
                               "fanned_out_dt lease_until"),
        NOT_PERSONAL: _cols("kind category"),
    },
    "notification": {
        "notifications": _cols("id event_id user_id category created_dt email_delivery_id push_delivery_id"),
    },
    "notification_delivery": {
        "notifications": _cols("id public_id user_id channel digest_slot_dt is_urgent status due_dt attempts "
                               "lease_until created_dt done_dt last_error"),
    },
    # The instance's own signing key: it identifies the server to push services, no person.
    "vapid_key": {NOT_PERSONAL: _cols("id private_pem created_dt")},
    "quotient_bracket": {NOT_PERSONAL: _cols("id public_id city_id position label min_quotient max_quotient")},
    "bracket_declaration": {"family_brackets": _cols("id user_id bracket_id school_year declared_dt")},
    "activity_campaign": {
        # The published draw lists pseudonymous tickets (lottery_entry) with their priority tier.
        "activity_registrations": _cols("result_json"),
        NOT_PERSONAL: _cols("id public_id city_id establishment_id slug title opens_dt closes_dt max_choices "
                            "priority_rules seed drawn_dt created_dt"),
    },
    "activity": {
        "activity_registrations": _cols("author_id"),
        NOT_PERSONAL: _cols("id public_id city_id establishment_id campaign_id title description category place "
                            "min_age max_age levels capacity places_taken mode opens_dt closes_dt cancel_until_dt "
                            "offer_hours documents photo_key photo_thumb_key school_year first_day "
                            "last_session_dt published_dt withdrawn_dt created_dt updated_dt"),
    },
    "activity_session": {NOT_PERSONAL: _cols("id public_id activity_id starts_dt ends_dt")},
    "activity_price": {NOT_PERSONAL: _cols("id activity_id bracket_id amount_cents")},
    "lottery_entry": {"activity_registrations": _cols("id campaign_id child_id ticket tier draw_position created_dt")},
    "registration": {
        "activity_registrations": _cols("id public_id activity_id child_id guardian_id campaign_id choice_rank "
                                        "status queue_rank bracket_id price_cents offer_expires_dt created_dt "
                                        "updated_dt"),
    },
    "registration_note": {"activity_health_notes": _cols("id registration_id body created_dt")},
    "activity_attendance": {
        "activity_registrations": _cols("id session_id registration_id present recorded_dt recorded_by_id"),
    },
    "rights_request": {
        "rights_requests": _cols("id public_id kind requester_id child_id message received_dt due_dt status "
                                 "handled_dt handled_by_id answer"),
        NOT_PERSONAL: _cols("city_id"),
    },
    # Calendar events are class content: they go with their school year (agenda.retention).
    "agenda_event": {
        "class_content": _cols("id public_id author_id title place published_dt created_dt updated_dt cancelled_dt"),
        NOT_PERSONAL: _cols("city_id establishment_id post_id category start_date start_time end_date end_time "
                            "weekly_until is_public document_id sequence"),
    },
    "agenda_event_audience": {NOT_PERSONAL: _cols("id event_id kind value")},
    # A private calendar address lives as long as its account (or until revoked).
    "calendar_feed": {"accounts": _cols("id user_id token_hash created_dt last_read_dt")},
    "absence_notice": {
        "absence_notices": _cols("id public_id child_id author_id first_day last_day to_school to_periscolaire "
                                 "created_dt cancelled_dt school_seen_dt school_seen_by_id "
                                 "periscolaire_seen_dt periscolaire_seen_by_id"),
    },
    "absence_reason": {"absence_reasons": _cols("id notice_id body created_dt")},
}


def classify(table: str, column: str) -> str | None:
    """The category of a column, ``NOT_PERSONAL``, or None when the policy forgot it."""
    for category, columns in COLUMNS.get(table, {}).items():
        if column in columns:
            return category
    return None


# --- durations --------------------------------------------------------------------------------

# Kept in the request's own environ, not ``g``: ``g`` lives as long as the app context, which
# several requests may share (tests, a CLI command), and would then keep a stale value.
_REQUEST_CACHE = "ent_lite.retention_overrides"


def overrides() -> dict[str, int]:
    """{category: days} set by the administrator (read once per request)."""
    from ent_lite.privacy.models import RetentionOverride

    if not has_app_context():
        return {}
    if has_request_context() and _REQUEST_CACHE in request.environ:
        return request.environ[_REQUEST_CACHE]
    rows = db.session.execute(select(RetentionOverride.category, RetentionOverride.days)).all()
    found = {key: days for key, days in rows if key in CATEGORIES and in_bounds(key, days)}
    if has_request_context():
        request.environ[_REQUEST_CACHE] = found
    return found


def in_bounds(key: str, days: int) -> bool:
    category = CATEGORIES[key]
    return category.min_days <= days <= category.max_days


def effective_days(key: str, current: dict[str, int] | None = None) -> int:
    current = overrides() if current is None else current
    return current.get(key, CATEGORIES[key].days)


def all_days() -> dict[str, int]:
    """{category: days in force}, reading the overrides once."""
    current = overrides()
    return {key: effective_days(key, current) for key in CATEGORIES}


class OutOfBounds(ValueError):
    """A duration outside the legal bounds of its category; nothing was stored."""

    def __init__(self, key: str):
        super().__init__(f"{key}: out of bounds")
        self.key = key

    @property
    def message(self) -> str:
        category = CATEGORIES[self.key]
        return _("Choose between %(min)s and %(max)s days.", min=category.min_days, max=category.max_days)


def _check(key: str, days) -> None:
    # bool is an int to Python, not a number of days.
    if key not in CATEGORIES or not isinstance(days, int) or isinstance(days, bool) or not in_bounds(key, days):
        raise OutOfBounds(key)


def set_override(key: str, days: int, now: datetime) -> None:
    """Store an in-bounds duration (the default value removes the override); caller commits.
    Raises OutOfBounds, whoever calls (the form checks too, but is not the only way in)."""
    from ent_lite.privacy.models import RetentionOverride

    _check(key, days)
    if has_request_context():
        request.environ.pop(_REQUEST_CACHE, None)
    row = db.session.get(RetentionOverride, key)
    if days == CATEGORIES[key].days:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(RetentionOverride(category=key, days=days, updated_dt=now))
    else:
        row.days, row.updated_dt = days, now
    db.session.flush()


def save_periods(days: dict[str, int], actor, now: datetime) -> list[str]:
    """The administrator's durations: all checked first (one out of bounds refuses them all,
    OutOfBounds naming it), then the changed ones stored and audited; returns their keys.
    The privacy notice shows these periods, so its version follows (ent_lite.privacy.notice)."""
    for key, value in days.items():
        _check(key, value)
    current = all_days()
    changed = [key for key in CATEGORIES if key in days and days[key] != current[key]]
    for key in changed:
        set_override(key, days[key], now)
        record("retention.change", actor=actor, now=now, details={"category": key, "days": days[key]})
    return changed


# --- school years -----------------------------------------------------------------------------

def _rollover(year: int) -> datetime:
    return datetime.combine(date(year, SCHOOL_YEAR_START_MONTH, 1), time(), tzinfo=timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def school_year_end(moment: datetime) -> datetime:
    """The first school-year start after ``moment``: when the item's school year ends."""
    moment = _aware(moment)
    start = _rollover(moment.year)
    return start if start > moment else _rollover(moment.year + 1)


def _rollover_before(moment: datetime) -> datetime:
    """The latest school-year start strictly before ``moment``."""
    moment = _aware(moment)
    start = _rollover(moment.year)
    return start if start < moment else _rollover(moment.year - 1)


def cutoff(key: str, now: datetime, days: int | None = None) -> datetime:
    """Items whose anchor date is strictly before the cutoff are due for deletion at ``now``.

    The rule at the boundary, the same for every category: an item is kept up to and including
    its deletion instant (``deletion_dt``) and due from the instant after, so a purge run at
    exactly that instant keeps it and the next run deletes it. Event categories: the anchor is
    more than ``days`` old. School-year categories: the end of the item's school year plus the
    duration has passed, i.e. its school year ended strictly before ``now - days``, i.e. it
    dates from before the last school-year start strictly before ``now - days``.
    """
    days = effective_days(key) if days is None else days
    limit = _aware(now) - timedelta(days=days)
    if CATEGORIES[key].anchor == SCHOOL_YEAR_END:
        return _rollover_before(limit)
    return limit


def deletion_dt(key: str, anchor_dt: datetime, days: int | None = None) -> datetime:
    """When an item of ``key`` anchored at ``anchor_dt`` is deleted."""
    days = effective_days(key) if days is None else days
    if CATEGORIES[key].anchor == SCHOOL_YEAR_END:
        anchor_dt = school_year_end(anchor_dt)
    return _aware(anchor_dt) + timedelta(days=days)


def deletion_date(obj) -> datetime | None:
    """When a post, message, thread, attachment, form's answers or answer will be deleted (None: unknown)."""
    from ent_lite.conversations.models import Message, Thread
    from ent_lite.files.models import Attachment
    from ent_lite.forms.models import PostForm, Question, Response
    from ent_lite.posts.models import Post

    if isinstance(obj, Post):
        return deletion_dt("class_content", obj.published_dt)
    if isinstance(obj, Thread):
        return deletion_dt("conversations", obj.last_message_dt)
    if isinstance(obj, Message):
        return deletion_date(obj.thread)
    if isinstance(obj, PostForm):
        # Answers cannot be given after the deadline, so theirs is the latest deletion date.
        dates = [deletion_dt("form_answers", obj.deadline_dt)]
        if obj.post is not None:
            dates.append(deletion_date(obj.post))
        return min(dates)
    if isinstance(obj, Question):
        # A health or allergy answer goes shortly after the deadline, or with the whole form.
        form = db.session.get(PostForm, obj.form_id)
        dates = [deletion_date(form)]
        if obj.is_health:
            dates.append(deletion_dt("health_answers", form.deadline_dt))
        return min(dates)
    if isinstance(obj, Response):
        dates = [deletion_dt("form_answers", obj.updated_dt)]
        form = db.session.get(PostForm, obj.form_id)
        if form is not None and form.post is not None:  # the answer goes with its post
            dates.append(deletion_date(form.post))
        return min(dates)
    if isinstance(obj, Attachment):
        if obj.post_id is not None:
            return deletion_date(db.session.get(Post, obj.post_id))
        if obj.message_id is not None:
            return deletion_date(db.session.get(Message, obj.message_id))
        return deletion_dt("draft_files", obj.created_dt)  # a draft never published
    return None  # activities data: ent_lite.activities.retention.deletion_date
