"""Pages reached from an emailed link: password reset and staff invitation (email confirmation:
views_email.py)."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from ent_lite.accounts import invitations, services, throttling, two_factor
from ent_lite.accounts.forms import NewPasswordForm, ResetRequestForm
from ent_lite.accounts.sessions import start_session
from ent_lite.accounts.tokens import TokenAlreadyUsed, TokenState, find_token
from ent_lite.accounts.blueprint import bp, tell_at_login
from ent_lite.core.auth import public
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


def no_store(body, status: int = 200):
    # The address holds a secret: keep the page out of every cache.
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def invalid_link(state: TokenState, purpose: str):
    texts = {
        TokenState.UNKNOWN: _("This link is not valid. Check that you copied the whole address from the email."),
        TokenState.USED: _("This link has already been used. Each link works only once."),
        TokenState.EXPIRED: _("This link has expired or was replaced by a newer one."),
    }
    status = 404 if state is TokenState.UNKNOWN else 410
    page = render_template("accounts/link_invalid.html", text=texts[state], purpose=purpose)
    return no_store(page, status)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@throttling.requests_per_ip(throttling.RESET_REQUEST_PER_IP)
@throttling.requests_per_email(throttling.RESET_REQUEST_PER_EMAIL)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, utcnow())
        db.session.commit()
        # The same answer whether or not an account has this address.
        flash(_("If an account uses this address, we have sent it an email with a link to choose a new "
                "password. The link works once, within the hour."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    now = utcnow()
    state, row = find_token(token, "reset", now)
    if state is not TokenState.VALID:
        return invalid_link(state, "reset")
    form = NewPasswordForm()
    if form.validate_on_submit() and form.check_policy(services.context_words(row.user)):
        try:
            services.reset_password(row, form.password.data, now)
        except TokenAlreadyUsed:  # the same link, sent from another tab a moment ago
            db.session.rollback()
            return invalid_link(TokenState.USED, "reset")
        db.session.commit()
        flash(_("Your password has been changed. You can now log in with it."), "success")
        return redirect(url_for("accounts.login"))
    return no_store(render_template("accounts/reset_password.html", form=form))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    now = utcnow()
    state, row = find_token(token, "invite", now)
    if state is not TokenState.VALID:
        return invalid_link(state, "invite")
    user = row.user
    form = NewPasswordForm()
    if form.validate_on_submit() and form.check_policy(services.context_words(user)):
        try:
            invitations.accept_invitation(row, form.password.data, now)
        except TokenAlreadyUsed:
            db.session.rollback()
            return invalid_link(TokenState.USED, "invite")
        start_session(user)
        if not two_factor.required_for(user):
            services.record_login(user, now)
            tell_at_login(user, now)
        db.session.commit()
        flash(_("Welcome to %(product)s. Your password is saved.", product=product_name()), "success")
        # An administrator or DPO is sent on to set up the second factor first.
        return redirect(url_for("core.home"))
    return no_store(render_template("accounts/accept_invitation.html", form=form, user=user))
