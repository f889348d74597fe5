from flask import Blueprint

bp = Blueprint("posts", __name__, template_folder="templates")


@bp.get("/news")
def feed():
    return "TODO feed"


@bp.get("/news/new")
def compose():
    return "TODO compose"
