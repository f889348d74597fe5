"""Periscolaire sites and groups: kinds, animators, site leads, enrolments."""
