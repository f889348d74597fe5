"""The one place that answers who may post to, read, or see whom. Deny by default.

Views, templates and list queries call these functions and nothing else, always through this
package (``from ent_lite import rules``; ``rules.can_read_post(...)``): `visible_*` return
SELECTs (used by lists and, through `can_*`, by single objects, so a list and a page never
disagree), `can_*` and `may_*` are small predicates. A rule that changes changes here, in the
module of its subject: ``reach`` (what a user reaches, computed once), ``posts``, ``children``,
``conversations``, ``city_services``, ``files``, ``forms``, ``staff``, ``agenda`` (calendar
events). Templates ask the globals of ``template_globals``, never a role.

- guardian: reads the posts whose audience keys match one of their current children;
  sees their own current children; posts nothing.
- teacher: posts to their classes; reads what they wrote and what targets their classes or
  their school; sees the children of their classes.
- director: a teacher with a whole-school membership (group_id null) on their school: posts
  to the whole school or any of its classes; reads and sees everything of the school, and
  the read statistics of every post sent from it.
- animator: posts to their periscolaire groups; reads and sees as a teacher does for them.
- site lead: an animator with a site-wide membership (group_id null) on a periscolaire site:
  acts for their site as a director for their school (posts to the whole site or any of its
  groups, reads and sees everything of the site, the read statistics of posts sent from it).
- city_agent: posts from their city service (the establishment of their membership) to all
  families, a school, a district or a level of their city, or the families of the children
  with no activity yet this school year, or the families matching criteria (ages at a date,
  periscolaire kinds, schools, districts, levels: one "rule" key, ``audience.criteria``,
  posted through ``audience.criteria_posting``); reads what they wrote. A city
  agent may mark a post as optional city information: it then reaches only the guardians
  who agreed to receive it (consent purpose "city_information", asked through ``consents.may``).
- district, level and "all" audiences hold in the city the post is sent from only
  (``audience.keys``): a post never crosses to another city's families.
- admin, dpo: no post, no child (the DPO never reads message content).

Callers that ask several questions in one request compute `reach_of(user)` once and pass it.
The modules import one another (never this package's ``__init__``), the models and the few
services a rule asks (consents, photo tags); never a view. Models never import rules.
"""
from ent_lite.rules.reach import (
    POSTING_ROLES, READING_STAFF, CHILD_STAFF, Reach, runs_membership, led_site_ids, reach_of, any_key,
    reader_matches, role_of, may_give_consents,
)
from ent_lite.rules.posts import (
    PostTarget, may_send_optional_info, post_is_live, visible_posts, can_read_post, can_see_read_stats,
    may_read_news, reads_as_family, receives_notifications, may_post, postable_targets, can_post_to, can_edit_post,
    can_delete_post,
    can_track_post,
)
from ent_lite.rules.children import (
    visible_children, sees_pupils_by_name, can_see_child,
)
from ent_lite.rules.conversations import (
    THREAD_STAFF, WITHDRAW_WINDOW, ThreadContact, may_use_messages, starts_family_threads, may_write_about_pupils,
    visible_threads, can_read_thread, can_write_in, can_close_thread, can_withdraw_message, can_start_thread_about,
    staff_establishments_for, thread_contacts, post_reply_contacts, can_reply_to_post, colleagues_of,
    message_recipients,
)
from ent_lite.rules.city_services import (
    ServiceContact, is_service_thread, city_services_for, can_write_to_service, AGENT_CONTACT_WINDOW,
    activity_links_families, may_write_to_families, may_write_to_families_of, agent_services_for, family_addressees,
)
from ent_lite.rules.files import (
    keeps_withheld_photos, photos_withheld_from, attachment_owner, can_read_attachment,
)
from ent_lite.rules.forms import (
    concerned_children, may_answer_for_child, can_see_form_results,
)
from ent_lite.rules.agenda import (
    PUBLIC_EVENT_KEYS, EVENT_SENDING_ROLES, agent_service_ids, staff_city_keys, visible_events, can_see_event,
    event_sender_ids, may_publish_events, may_mark_event_public, event_targets, can_manage_event, may_change_event,
    can_view_event, managed_events,
)
from ent_lite.rules.staff import (
    directed_school_ids, visible_code_schools, can_see_codes, code_children, invitable_roles, invite_establishments,
)

__all__ = [
    "POSTING_ROLES", "READING_STAFF", "CHILD_STAFF", "Reach", "runs_membership", "led_site_ids", "reach_of",
    "any_key", "reader_matches", "role_of", "may_give_consents", "PostTarget", "may_send_optional_info",
    "post_is_live", "visible_posts", "can_read_post", "can_see_read_stats", "may_read_news",
    "reads_as_family", "receives_notifications", "may_post", "postable_targets", "can_post_to", "can_edit_post",
    "can_delete_post", "can_track_post", "visible_children", "sees_pupils_by_name", "can_see_child", "THREAD_STAFF", "WITHDRAW_WINDOW", "ThreadContact",
    "may_use_messages", "starts_family_threads", "may_write_about_pupils", "visible_threads", "can_read_thread",
    "can_write_in", "can_close_thread", "can_withdraw_message", "can_start_thread_about",
    "staff_establishments_for", "thread_contacts", "post_reply_contacts", "can_reply_to_post", "colleagues_of",
    "message_recipients", "ServiceContact", "is_service_thread", "city_services_for", "can_write_to_service",
    "AGENT_CONTACT_WINDOW", "activity_links_families", "may_write_to_families", "may_write_to_families_of",
    "agent_services_for", "family_addressees", "keeps_withheld_photos", "photos_withheld_from", "attachment_owner",
    "can_read_attachment", "concerned_children", "may_answer_for_child", "can_see_form_results",
    "directed_school_ids", "visible_code_schools", "can_see_codes", "code_children", "invitable_roles",
    "invite_establishments", "PUBLIC_EVENT_KEYS", "EVENT_SENDING_ROLES", "agent_service_ids", "staff_city_keys",
    "visible_events", "can_see_event", "event_sender_ids", "may_publish_events", "may_mark_event_public",
    "event_targets", "can_manage_event", "may_change_event", "can_view_event", "managed_events",
]
