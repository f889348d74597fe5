from flask import Blueprint, render_template

from ent_lite.core.auth import public
from ent_lite.privacy.notice import current_notice_version

bp = Blueprint("privacy", __name__, template_folder="templates")


@bp.get("/privacy")
@public
def notice():
    return render_template("privacy/notice.html", version=current_notice_version())
