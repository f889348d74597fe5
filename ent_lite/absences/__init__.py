"""Absence notices from families to the school and the periscolaire."""
