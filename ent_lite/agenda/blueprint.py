"""The agenda blueprint; each views module adds its pages to it."""
from flask import Blueprint

bp = Blueprint("agenda", __name__, template_folder="templates")
