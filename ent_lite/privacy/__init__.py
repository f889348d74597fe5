"""Privacy: the privacy notice (consents, retention and rights come later)."""
