"""The periscolaire blueprint; each views module adds its pages to it."""
from flask import Blueprint

bp = Blueprint("periscolaire", __name__, template_folder="templates")
