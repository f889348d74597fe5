"""The absences blueprint; each views module adds its pages to it."""
from flask import Blueprint

bp = Blueprint("absences", __name__, template_folder="templates")
