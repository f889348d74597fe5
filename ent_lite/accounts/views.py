"""TEMPORARY minimal login so other features can be developed; the accounts work replaces it."""
from flask import Blueprint, redirect, render_template_string, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.accounts.passwords import verify_password
from ent_lite.accounts.sessions import end_session, start_session
from ent_lite.core.auth import public
from ent_lite.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "POST":
        user = db.session.scalar(select(User).where(User.email == request.form.get("email", "").lower()))
        if user and verify_password(user.password_hash, request.form.get("password", "")):
            start_session(user)
            return redirect(url_for("core.home"))
    return render_template_string("{% extends 'base.html' %}{% block content %}<form method=post>"
                                  "<input type=hidden name=csrf_token value='{{ csrf_token() }}'>"
                                  "<input name=email><input name=password type=password><button>Go</button>"
                                  "</form>{% endblock %}")


@bp.post("/logout")
@public
def logout():
    end_session()
    return redirect(url_for("accounts.login"))


@bp.get("/account")
def account():
    return current_user.display_name
