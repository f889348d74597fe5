"""Guardian activation: code → last name → email and password → privacy notice → home.

The progress is kept in the signed session (the code's id and whether the name was
checked), never in form fields a visitor could change.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ent_lite.accounts import services, throttling
from ent_lite.accounts.activation import find_code
from ent_lite.accounts.email_change import EmailTaken
from ent_lite.accounts.forms import ActivationAccountForm, ActivationCodeForm, ActivationNameForm, ConfirmForm
from ent_lite.accounts.models import ActivationCode
from ent_lite.accounts.sessions import start_session
from ent_lite.accounts.tokens import TokenAlreadyUsed
from ent_lite.accounts.blueprint import bp, tell_at_login
from ent_lite.core.auth import public
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import notice

CODE_KEY = "activation_code_id"
NAME_KEY = "activation_name_checked"


def _code_messages() -> dict[str, str]:
    return {
        "unknown": _("This code is unknown. Check it against the letter from the school; "
                     "the letters I, L, O and the digits 0 and 1 are never used."),
        "used": _("This code has already been used. If you activated your account, log in; "
                  "otherwise ask the school for a new letter."),
        "expired": _("This code has expired. Ask the school for a new letter."),
    }


def _code_in_progress() -> ActivationCode | None:
    """The code typed earlier in this session, if it can still be used."""
    code_id = session.get(CODE_KEY)
    code = db.session.get(ActivationCode, code_id) if isinstance(code_id, int) else None
    problem = services.code_problem(code, utcnow()) if code else "unknown"
    if problem is None:
        return code
    session.pop(CODE_KEY, None)
    session.pop(NAME_KEY, None)
    if code is not None:
        flash(_code_messages()[problem], "error")
    return None


@bp.route("/activate", methods=["GET", "POST"])
@public
@throttling.failures_per_ip(throttling.ACTIVATION_CODE_PER_IP)
def activate():
    form = ActivationCodeForm()
    if form.validate_on_submit():
        code = find_code(form.code.data)
        problem = services.code_problem(code, utcnow())
        if problem is None:
            session[CODE_KEY] = code.id
            session.pop(NAME_KEY, None)
            return redirect(url_for("accounts.activate_name"))
        throttling.mark_failed()
        form.code.errors.append(_code_messages()[problem])
    return render_template("accounts/activate_code.html", form=form)


@bp.route("/activate/name", methods=["GET", "POST"])
@public
@throttling.failures_per_ip(throttling.ACTIVATION_NAME_PER_IP)
@throttling.failures_per_activation_code
def activate_name():
    code = _code_in_progress()
    if code is None:
        return redirect(url_for("accounts.activate"))
    form = ActivationNameForm()
    if form.validate_on_submit():
        if services.last_name_matches(code.user, form.last_name.data):
            session[NAME_KEY] = code.id
            return redirect(url_for("accounts.activate_account"))
        throttling.mark_failed()
        form.last_name.errors.append(_("This name does not match the one the school gave us. "
                                       "Type your last name as written on the letter."))
    return render_template("accounts/activate_name.html", form=form)


@bp.route("/activate/account", methods=["GET", "POST"])
@public
def activate_account():
    code = _code_in_progress()
    if code is None or session.get(NAME_KEY) != code.id:
        return redirect(url_for("accounts.activate"))
    user = code.user
    form = ActivationAccountForm()
    if not form.is_submitted():
        form.email.data = user.email
    if form.validate_on_submit():
        email_free = not services.email_taken(form.email.data, by_other_than=user)
        if not email_free:
            form.email.errors.append(_("This email address is already used by another account."))
        if form.check_policy(services.context_words(user, form.email.data)) and email_free:
            try:
                token = services.activate_guardian(code, form.email.data, form.password.data, utcnow())
                db.session.flush()
            except (EmailTaken, IntegrityError):  # the address was taken a moment ago
                db.session.rollback()
                flash(_("This email address is already used by another account."), "error")
                return redirect(url_for("accounts.activate_account"))
            except TokenAlreadyUsed:  # the same code, sent from another tab a moment ago
                db.session.rollback()
                session.pop(CODE_KEY, None)
                flash(_code_messages()["used"], "error")
                return redirect(url_for("accounts.activate"))
            start_session(user)
            services.record_login(user, utcnow())
            tell_at_login(user, utcnow())
            db.session.commit()
            services.send_activation_mails(user, token)
            if token is not None:
                # Short: it sits above the privacy summary, whose button must stay on the first screen.
                flash(_("We sent a link to %(email)s: open it to receive our messages there.",
                        email=user.pending_email), "success")
            return redirect(url_for("accounts.privacy_notice"))
    return render_template("accounts/activate_account.html", form=form, user=user)


@bp.route("/welcome/privacy", methods=["GET", "POST"])
def privacy_notice():
    form = ConfirmForm()
    shown = notice.current_notice_version()
    if form.validate_on_submit():
        # The version of the text the page showed, kept in the form: the guardian accepts what
        # they read, not a text changed in the meantime (nor one in another language).
        read = request.form.get("notice_version", shown)
        if notice.is_current(read):
            services.accept_notice(current_user, read)
            db.session.commit()
            flash(_("Thank you. Welcome to %(product)s.", product=product_name()), "success")
            return redirect(url_for("core.home"))
        flash(_("The privacy notice changed while you were reading it. Please read it again."), "error")
    return render_template("accounts/privacy_notice.html", form=form, notice_version=shown)
