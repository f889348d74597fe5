"""The activities blueprint; each views module adds its pages to it."""
from flask import Blueprint

bp = Blueprint("activities", __name__, template_folder="templates")
