"""Writing and editing a post: the compose page, its preview, drafts of its files, publishing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.validators import ValidationError

from ent_lite import rules
from ent_lite.accounts import throttling
from ent_lite.audience import criteria_posting
from ent_lite.core.dates import format_when
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.processing import Processed
from ent_lite.files.services import UploadRefused, prepare_uploads
from ent_lite.files import drafts as file_drafts
from ent_lite.forms.builder import ADD_QUESTION
from ent_lite.posts import audience_choice, drafting, services, writing
from ent_lite.posts.forms import PostForm, prefill
from ent_lite.posts.models import Post
from ent_lite.posts.blueprint import attachments_of, bp, load_post


def _preview(form: PostForm) -> dict:
    """How the chosen audiences are reached (``families`` and ``reach``), or families None
    (error shown by the field).

    Optional city information counts the households whose guardians agreed to receive it."""
    try:
        form.validate_targets(form.targets)
    except ValidationError as error:
        form.targets.errors = [str(error)]
        return {"families": None}
    reach = _families_reached(form.chosen_targets(), form.is_optional_info)
    return {"families": reach.families, "reach": reach}


def _families_reached(targets, optional_info: bool) -> services.ChannelReach:
    """Households, not children: two parents of one child are one family, and so is a parent of three."""
    return services.reach_by_channel(targets, agreed_only=optional_info)


def _offer_optional_info(form: PostForm) -> None:
    if not rules.may_send_optional_info(current_user):
        del form.optional_info


def _prepared_files(form: PostForm):
    """The uploads of the form, processed before anything is written (no write lock is held
    meanwhile); None after showing the refusal next to the field."""
    try:
        file_drafts.check_room(current_user, request.form.getlist(file_drafts.DRAFT_FIELD),
                               request.form.getlist(file_drafts.REMOVE_FIELD), form.files.data)
        return prepare_uploads(form.files.data)
    except UploadRefused as refused:
        form.files.refuse(refused.message)
        form.upload_status = refused.status
        return None


def _render_form(form: PostForm, post: Post | None = None, **context):
    return render_template("posts/compose.html", form=form, post=post, errors=drafting.error_items(form),
                           photo_consents=drafting.photo_consents(form, utcnow()), **context), \
        getattr(form, "upload_status", 200)


def _keep_files(form: PostForm, processed, now) -> list:
    """The form's files kept for its next submit (ent_lite.files.drafts)."""
    return drafting.keep_files(form, current_user, request.form.getlist(file_drafts.DRAFT_FIELD),
                               request.form.getlist(file_drafts.REMOVE_FIELD), processed, now)


def _written(form: PostForm, uploads: list[Processed], targets) -> writing.Written:
    """What the request says the author wrote, for ent_lite.posts.writing."""
    files = writing.Files(drafts=request.form.getlist(file_drafts.DRAFT_FIELD),
                          removed_drafts=request.form.getlist(file_drafts.REMOVE_FIELD), uploads=uploads,
                          removed=frozenset(request.form.getlist("remove_file")))
    return writing.Written(form.title.data, form.body.data, form.options(), targets, form.tagged(), files,
                           form.event_details())


def _send_back(form: PostForm, post: Post | None = None, refused: bool = False, **context):
    """A submit that publishes nothing (preview, "add a question", an error): the files it
    brought are kept as drafts, so the author does not choose them again (none when
    ``refused``: the upload was refused and the field says why)."""
    now = utcnow()
    _keep_files(form, None if refused else _prepared_files(form), now)
    db.session.commit()
    if "poll" in form and ADD_QUESTION in request.form:
        form.poll.form.add_slot()
    if "preview" in request.form and "targets" in form:
        context.update(optional_info=form.is_optional_info, **_preview(form))
    return _render_form(form, post, **context)


def _preselect(form: PostForm, token: str | None) -> None:
    """A link may open the page with one audience chosen (the activities indicator's "write to
    these families"); a token the author may not use is ignored, nothing is sent on a GET."""
    if token not in form.allowed:
        return
    form.targets.data = [token]
    if "scope" in form:
        form.scope.data = audience_choice.scope_of(form.audience_choices, [token])


@bp.route("/news/new", methods=["GET", "POST"])
@throttling.files_per_account
def compose():
    if not rules.may_post(current_user):
        abort(404)
    targets = rules.postable_targets(current_user)
    form = PostForm()
    form.offer(targets)
    form.offer_children(services.taggable_children(current_user, targets))
    _offer_optional_info(form)
    if not targets:
        return _render_form(form, has_targets=False)
    if request.method == "GET":
        form.new_submission()
        if len(targets) == 1:
            # The narrowest audience by default (PRIVACY.md 19): only when there is no choice.
            form.targets.data = [targets[0].token]
        _preselect(form, request.args.get("audience"))
        return _render_form(form, has_targets=True)
    if (already := services.submitted_post(current_user, form.submission_token())) is not None:
        # A second submit of a form already published (double tap, back button).
        return _already_published(already)
    now = utcnow()
    if "preview" in request.form or ADD_QUESTION in request.form or not form.check(now):
        return _send_back(form, has_targets=True)
    files = _prepared_files(form)
    if files is None:
        return _send_back(form, refused=True, has_targets=True)
    chosen = criteria_posting.chosen_audience(form, current_user, now)
    try:
        post = writing.publish(current_user, _written(form, files, chosen), now, poll=form.poll.data,
                               submission_token=form.submission_token())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the files stored for this submit go with it
        already = services.submitted_post(current_user, form.submission_token())
        if already is None:
            raise
        # The same form was published by a submit that ran alongside this one.
        return _already_published(already)
    _flash_published(post, _families_reached(chosen, post.is_optional_info), now)
    return redirect(url_for("posts.detail", public_id=post.public_id))


def _already_published(post: Post):
    flash(_("This post is already published."), "success")
    return redirect(url_for("posts.detail", public_id=post.public_id))


def _flash_published(post: Post, reach: services.ChannelReach, now) -> None:
    families = reach.families
    if post.is_optional_info and services.is_published(post, now):
        flash(ngettext("Published as optional city information to the %(num)d family who agreed to receive it.",
                       "Published as optional city information to the %(num)d families who agreed to receive it.",
                       families), "success")
    elif services.is_published(post, now):
        flash(ngettext("Published to %(num)d family.", "Published to %(num)d families.", families), "success")
    else:
        flash(ngettext("Scheduled for %(date)s: it will reach %(num)d family.",
                       "Scheduled for %(date)s: it will reach %(num)d families.", families,
                       date=format_when(post.published_dt)), "success")
    _flash_channels(reach)


def _flash_channels(reach: services.ChannelReach) -> None:
    """How the families will be told, and how many only a paper copy reaches."""
    flash(ngettext("By email: %(num)d family.", "By email: %(num)d families.", reach.email) + " "
          + ngettext("On their phone as well: %(num)d family.", "On their phone as well: %(num)d families.",
                     reach.push), "success")
    if reach.nothing:
        flash(ngettext("%(num)d family has no active account yet and will not be told: give them a paper copy.",
                       "%(num)d families have no active account yet and will not be told: give them a paper copy.",
                       reach.nothing), "warning")


def _edit_form(post: Post, scope: writing.EditScope) -> PostForm:
    """The compose form for an edit: only what the author may still change is offered."""
    form = PostForm(data={**prefill(post, {t.key: t.token for t in scope.targets}),
                          "children": [c.public_id for c in scope.shown_tags]})
    del form.poll, form.submission
    form.offer_children(scope.taggable)
    form.already_tagged = frozenset(c.id for c in scope.tagged)
    form.tagged_for_keys = frozenset((a.kind, a.value) for a in post.audience)
    if not scope.optional_info_open:
        del form.optional_info
    if scope.published:
        del form.targets, form.scope, form.publish_date, form.publish_time
        form.start_dt = post.published_dt
        form.fixed_keys = [(a.kind, a.value) for a in post.audience]
    elif scope.audience_fixed:
        del form.targets, form.scope
        form.fixed_keys = [(a.kind, a.value) for a in post.audience]
    else:
        form.offer(scope.targets)
    return form


@bp.route("/news/<public_id>/edit", methods=["GET", "POST"])
@throttling.files_per_account
def edit(public_id: str):
    now = utcnow()
    post = load_post(public_id)
    if post is None or not rules.can_edit_post(current_user, post):
        abort(404)
    scope = writing.edit_scope(post, current_user, now)
    form = _edit_form(post, scope)
    context = {"has_targets": True, "attachments": attachments_of(post),
               "audience": services.audience_names([post])[post.id]}
    if request.method == "GET":
        return _render_form(form, post, **context)
    if "preview" in request.form or not form.check(now):
        return _send_back(form, post, **context)
    files = _prepared_files(form)
    if files is None:
        return _send_back(form, post, refused=True, **context)
    targets = None if scope.audience_fixed else form.chosen_targets()
    writing.save_edit(post, scope, _written(form, files, targets), now)
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("posts.detail", public_id=post.public_id))
