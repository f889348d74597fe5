"""Log in and out, and the "My account" page (language, password, logout everywhere).

The account page's language choice posts to ``i18n.switch_language``, like the header's.

The activation, reset/invitation, address change, second factor and staff invitation pages
live in the views_* modules, on the same blueprint (``accounts.blueprint``); importing this
module loads them all.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from ent_lite.accounts import (  # noqa: F401  (the blueprint's other pages)
    views_activation, views_email, views_staff, views_tokens, views_two_factor)
from ent_lite.accounts import services, throttling, two_factor
from ent_lite.accounts.blueprint import bp, tell_at_login
from ent_lite.accounts.models import Role
from ent_lite.accounts.forms import ROLE_LABELS, ChangePasswordForm, ConfirmForm, LanguageForm, LoginForm
from ent_lite.accounts.passwords import verify_password
from ent_lite.accounts.sessions import end_session, renew_session, start_session
from ent_lite.core.auth import public, safe_next
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import problems


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
