from flask import Blueprint

bp = Blueprint("school", __name__, url_prefix="/school", template_folder="templates")


@bp.get("/activation-codes")
def activation_codes():
    return "TODO"
