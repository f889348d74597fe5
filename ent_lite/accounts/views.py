"""Log in and out, and the "My account" page (language, password, logout everywhere).

The account page's language choice posts to ``i18n.switch_language``, like the header's.

The activation, reset/invitation and staff invitation pages live in the views_*
modules, on the same blueprint.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from markupsafe import Markup

from ent_lite.accounts import services, throttling, two_factor
from ent_lite.accounts.models import Role
from ent_lite.accounts.forms import ROLE_LABELS, ChangePasswordForm, ConfirmForm, LanguageForm, LoginForm
from ent_lite.accounts.passwords import verify_password
from ent_lite.accounts.sessions import end_session, renew_session, start_session
from ent_lite.core.auth import public, safe_next
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import problems

bp = Blueprint("accounts", __name__, template_folder="templates")


def tell_at_login(user, now: datetime) -> None:
    """What the person must hear once, right after logging in: mail to their address refused."""
    problem = problems.login_notice(user, now)
    if problem is not None:
        flash(Markup('{} <a href="{}">{}</a>').format(
            _("Emails sent to %(email)s could not be delivered: you may be missing messages from the "
              "school. Check your address.", email=problem.address),
            url_for("accounts.account", _anchor="email-problem"), _("Go to My account")), "error")


@bp.route("/login", methods=["GET", "POST"])
@public
@throttling.failures_per_ip(throttling.LOGIN_PER_IP)
@throttling.failures_per_account
def login():
    target = safe_next(request.args.get("next"), url_for("core.home"))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            if two_factor.required_for(user):
                # Logged in with the password only: every page but the second factor's stays closed.
                db.session.commit()
                return redirect(url_for("accounts.two_factor_code", next=target))
            services.record_login(user, utcnow())
            tell_at_login(user, utcnow())
            db.session.commit()
            return redirect(target)
        services.record_login_failure(form.email.data, utcnow())
        db.session.commit()
        # Same words for unknown, not activated, disabled accounts and wrong passwords.
        throttling.mark_failed()
        form.password.errors.append(_("Incorrect email address or password."))
        failed = True
    return render_template("accounts/login.html", form=form, next=request.args.get("next"), failed=failed)


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated:
        services.record_logout(current_user._get_current_object(), utcnow())
    end_session()
    db.session.commit()
    return redirect(url_for("accounts.login"))


@bp.get("/account")
def account():
    return render_template(
        "accounts/account.html",
        role_label=ROLE_LABELS.get(current_user.role, current_user.role),
        language_form=LanguageForm(lang=str(get_locale())),
        confirm_form=ConfirmForm(),
        has_second_factor=two_factor.is_enrolled(current_user),
        email_problem=problems.active_problem(current_user),
        # Guardians correct their address themselves; staff addresses are the administrator's.
        change_email_url=url_for("rights.contact") if current_user.role == Role.GUARDIAN else None,
    )


@bp.post("/account/logout-everywhere")
def logout_everywhere():
    if ConfirmForm().validate_on_submit():
        services.record_logout(current_user._get_current_object(), utcnow(), everywhere=True)
        end_session(everywhere=True)
        db.session.commit()
        flash(_("You have been logged out on all your devices."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@throttling.failures_per_user(throttling.PASSWORD_CHANGE_PER_USER)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            throttling.mark_failed()
            form.current_password.errors.append(_("This is not your current password."))
        elif form.check_policy(services.context_words(user)):
            services.change_password(user, form.password.data, utcnow())
            renew_session(user)
            db.session.commit()
            flash(_("Your password has been changed. You are now logged out on your other devices."),
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


# The other pages of the blueprint.
from ent_lite.accounts import (  # noqa: E402,F401
    views_activation, views_email, views_staff, views_tokens, views_two_factor)
