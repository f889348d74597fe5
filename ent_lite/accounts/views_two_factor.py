"""The second factor of administrators and DPOs: enrolment, code, recovery code.

These pages are behind the login wall: the password step has logged the user in, and
``sessions.require_second_factor`` keeps every other page closed until one of them passes.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from ent_lite.accounts import emails, services, throttling, two_factor
from ent_lite.accounts.forms import NewRecoveryCodesForm, RecoveryCodeForm, TwoFactorCodeForm
from ent_lite.accounts.passwords import verify_password
from ent_lite.accounts.sessions import pass_second_factor, second_factor_passed
from ent_lite.accounts.blueprint import bp, tell_at_login
from ent_lite.core.auth import safe_next
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db

# The key being enrolled is kept on the account (the session cookie is signed, not encrypted);
# the session only holds its fingerprint, so a reload in this browser shows the same QR code.
_SETUP_KEY = "totp_setup_fingerprint"


def _target() -> str:
    return safe_next(request.args.get("next"), url_for("core.home"))


def _next_arg() -> dict:
    return {"next": request.args["next"]} if request.args.get("next") else {}


def _user_or_404():
    user = current_user._get_current_object()
    if not two_factor.required_for(user):
        abort(404)
    return user


def _logged_in(user, now, method: str):
    pass_second_factor()
    services.record_login(user, now, second_factor=method)
    tell_at_login(user, now)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@throttling.second_factor_failures
def two_factor_code():
    user = _user_or_404()
    if second_factor_passed():
        return redirect(_target())
    if not two_factor.is_enrolled(user):
        return redirect(url_for("accounts.two_factor_setup", **_next_arg()))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        now = utcnow()
        if two_factor.verify_code(user, form.code.data, now):
            _logged_in(user, now, "totp")
            db.session.commit()
            return redirect(_target())
        db.session.commit()  # the failure's audit entry
        throttling.mark_failed()
        form.code.errors.append(_("This code is not valid. Type the code your app shows now; each code works once."))
    return render_template("accounts/two_factor_code.html", form=form, next_arg=_next_arg())


@bp.route("/login/two-factor/recovery", methods=["GET", "POST"])
@throttling.second_factor_failures
def two_factor_recovery():
    user = _user_or_404()
    if second_factor_passed():
        return redirect(_target())
    if not two_factor.is_enrolled(user):
        return redirect(url_for("accounts.two_factor_setup", **_next_arg()))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        now = utcnow()
        if two_factor.use_recovery_code(user, form.code.data, now):
            _logged_in(user, now, "recovery")
            left = two_factor.unused_recovery_codes(user)
            db.session.commit()
            emails.send_recovery_code_used(user)
            flash(ngettext("You used a recovery code. %(num)d code is left.",
                           "You used a recovery code. %(num)d codes are left.", left), "success")
            return redirect(_target())
        db.session.commit()
        throttling.mark_failed()
        form.code.errors.append(_("This recovery code is not valid or has already been used."))
    return render_template("accounts/two_factor_recovery.html", form=form, next_arg=_next_arg())


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
@throttling.second_factor_failures
def two_factor_setup():
    """GET shows this browser's key, or a button that makes one: a GET never writes (PRIVACY.md 28)."""
    user = _user_or_404()
    if two_factor.is_enrolled(user):
        return redirect(url_for("accounts.two_factor_code", **_next_arg()))
    secret = two_factor.pending_secret(user, session.get(_SETUP_KEY))
    if secret is None:
        # No key yet, or another browser made a newer one: this browser asks for its own.
        return render_template("accounts/two_factor_setup.html", next_arg=_next_arg(), secret=None)
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        now = utcnow()
        codes = two_factor.confirm_enrolment(user, form.code.data, now)
        if codes is not None:
            session.pop(_SETUP_KEY, None)
            _logged_in(user, now, "enrolment")
            db.session.commit()
            # Whoever enrolled, the owner learns of it (their password may be known to someone else).
            emails.send_second_factor_enabled(user)
            # Shown in this answer only: the codes are stored hashed and cannot be shown again.
            return render_template("accounts/two_factor_recovery_codes.html", codes=codes, target=_target())
        db.session.commit()
        throttling.mark_failed()
        form.code.errors.append(_("This code is not valid. Check that the app was set up with the key above, "
                                  "then type the code it shows now."))
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("accounts/two_factor_setup.html", form=form, next_arg=_next_arg(),
                           qr_code=two_factor.qr_code_data_uri(uri), secret=two_factor.grouped(secret))


@bp.post("/login/two-factor/setup/key")
def two_factor_setup_key():
    """Make a new key for this browser (replacing any other browser's), then show it."""
    user = _user_or_404()
    if two_factor.is_enrolled(user):
        return redirect(url_for("accounts.two_factor_code", **_next_arg()))
    session[_SETUP_KEY] = two_factor.secret_fingerprint(two_factor.start_enrolment(user))
    db.session.commit()
    return redirect(url_for("accounts.two_factor_setup", **_next_arg()))


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@throttling.second_factor_failures
def new_recovery_codes():
    """New recovery codes for an enrolled account, against its password and a current code."""
    user = _user_or_404()
    if not two_factor.is_enrolled(user):
        abort(404)
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        now = utcnow()
        if not verify_password(user.password_hash, form.current_password.data):
            throttling.mark_failed()
            form.current_password.errors.append(_("This is not your current password."))
        elif not two_factor.verify_code(user, form.code.data, now):
            db.session.commit()  # the failure's audit entry
            throttling.mark_failed()
            form.code.errors.append(_("This code is not valid. Type the code your app shows now; each code works once."))
        else:
            codes = two_factor.regenerate_recovery_codes(user, now)
            db.session.commit()
            return render_template("accounts/two_factor_recovery_codes.html", codes=codes,
                                   target=url_for("accounts.account"),
                                   status=_("New recovery codes are ready. Your earlier codes no longer work."))
    return render_template("accounts/new_recovery_codes.html", form=form)
