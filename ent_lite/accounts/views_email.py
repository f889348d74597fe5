"""Confirming an email address from its emailed link, and sending the link again.

The link's page is public (it is often opened on a phone that is not logged in); the link
alone confirms, with a button: opening it changes nothing (mail scanners open links).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ent_lite.accounts import email_change, emails, throttling
from ent_lite.accounts.forms import ConfirmForm
from ent_lite.accounts.tokens import TokenAlreadyUsed, TokenState, find_token
from ent_lite.accounts.blueprint import bp
from ent_lite.accounts.views_tokens import invalid_link, no_store
from ent_lite.core.auth import public
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    now = utcnow()
    state, row = find_token(token, "confirm", now)
    if state is not TokenState.VALID:
        return invalid_link(state, "confirm")
    form = ConfirmForm()
    if form.validate_on_submit():
        user = row.user
        try:
            email_change.confirm(row, now)
            db.session.commit()
        except TokenAlreadyUsed:
            db.session.rollback()
            return invalid_link(TokenState.USED, "confirm")
        except (email_change.EmailTaken, IntegrityError):
            db.session.rollback()
            flash(_("Another account uses this address now: it cannot be confirmed. "
                    "Give another address on your contact details page."), "error")
            return redirect(url_for("accounts.login"))
        flash(_("Your email address is confirmed: messages from %(product)s now go to it.", product=product_name()), "success")
        signed_in = current_user.is_authenticated and current_user.id == user.id
        return redirect(url_for("accounts.account" if signed_in else "accounts.login"))
    return no_store(render_template("accounts/confirm_email.html", form=form, address=row.user.pending_email))


@bp.post("/account/email/resend")
@throttling.confirmation_mails_per_account
def resend_email_confirmation():
    if ConfirmForm().validate_on_submit():
        user = current_user._get_current_object()
        token = email_change.renew_link(user, utcnow())
        db.session.commit()
        if token is not None:
            emails.send_email_confirmation(user, token)
            flash(_("We have sent a new link to %(email)s. The earlier link no longer works.",
                    email=user.pending_email), "success")
    return redirect(url_for("accounts.account"))
