"""Erasure of a guardian or a child (PRIVACY.md C.15), through one service and two signals.

``ent_lite.erasure.services.erase_guardian`` / ``erase_child`` send ``erasing_user`` /
``erasing_child``; each feature's ``erasure.py`` handler deletes or anonymises its own rows
and files, then the service removes the person's row and records ``erasure.done`` (counts
only). A test walks every foreign key to ``user_account`` and ``child`` and fails on one that
no handler names and that is not a hold below.

Per table, when a GUARDIAN is erased:

| table.column | what happens | why |
|---|---|---|
| guardian_link.user_id | deleted | the family link is the person |
| activation_code, account_token, recovery_code, membership | deleted | access credentials |
| post_read.user_id, thread_read.user_id | deleted | read receipts are about the reader only |
| post_signature.user_id | deleted | the guardian's own act; the tracking shows the child unsigned again |
| form_response.respondent_id | the answer stays without respondent if another guardian of the same child (or, for a family answer, of one of the guardian's children) remains; otherwise deleted with its values | the answer for a child is the family's, which the other guardian still gives and sees |
| message.author_id | text blanked, files deleted, author dropped, marked withdrawn | the thread stays readable for the staff and the other guardian, nothing the guardian wrote remains (as a withdrawn message) |
| attachment.uploader_id | deleted with the stored files | the guardian's files |
| thread.started_by_id, closed_by_id | set to null; the subject of a thread the guardian started is blanked first (shown as "Subject removed") | the thread is about the child and stays for the staff; its subject is the guardian's words |
| thread_member.user_id, post.author_id | deleted / set to null | staff rows; a guardian has none, cleared for safety |
| data_export.user_id | deleted with the ZIP files | a copy of the guardian's data |
| notification, notification_delivery, notification_preferences, push_subscription, email_problem (user_id) | deleted, those still to send included | what was sent to the guardian and how to reach them |
| notification_event.actor_id | set to null | the post or message it announces stays for its other readers; who caused it is no longer said |
| rights_request.requester_id | set to null and the request's text blanked; a request still open is closed as done with a fixed note (ent_lite/dpo/erasure.py) | proof the request was answered in time (rights_requests retention); no one is left to answer, and an open request without a requester would only turn overdue |
| rights_request.answer | LEGAL HOLD: kept | the DPO's answer is the city's own proof of the action taken on the request and of the reasons of a refusal (GDPR art. 12(3)-(4), accountability art. 5(2)), needed if the person complains to the CNIL; it is the city's text, not the guardian's, and goes with the request at the end of the rights_requests retention |
| consent_record.guardian_id | LEGAL HOLD: kept; the account becomes a tombstone (role "erased", no name, email, phone, password or second factor, a new session nonce) | proof of what was agreed, kept for the 5-year limitation period (retention category consent_records); it no longer counts for any child since the links are gone |
| bracket_declaration.user_id | deleted | the family's declared income bracket |
| registration.guardian_id | set to null | the child's registration stays for the other guardian and the organisers |
| activity.author_id, activity_attendance.recorded_by_id | set to null | staff rows; a guardian has none, cleared for safety |
| user_account | deleted, or the tombstone above when consent records are held | |
| audit_entry (no foreign key) | LEGAL HOLD: kept | pseudonymous references only ("user:<public id>"), removed by the audit log's own retention (12 months) |

Per table, when a CHILD is erased:

| table.column | what happens | why |
|---|---|---|
| enrolment, guardian_link | deleted | the child's place in the roster |
| post_signature, form_response (+ form_answer) | deleted | about the child |
| post_photo_child | deleted, with the image attachments of the tagged posts (their files too) | without the tag the photos would no longer wait for the child's consent; the post's text stays |
| thread.child_id | the threads about the child deleted with their messages, members, reads and files | about the child |
| notification_event.message_id (no child column) | the events telling of those messages deleted with their items | they announced messages that are gone (SQLite enforces no foreign keys) |
| registration.child_id (+ registration_note, activity_attendance, notification_event) | deleted; a place held is freed and offered to the next child waiting | about the child |
| lottery_entry.child_id | deleted | the child's ticket in a draw |
| rights_request.child_id | set to null | as for the requester |
| consent_record.child_id | deleted | the consents existed for the child's photos, which are gone with the child |
| child | deleted | |
| audit_entry | LEGAL HOLD: kept | as above ("child:<public id>") |

Only guardians and children are erased here; staff accounts are disabled by an administrator.
"""
