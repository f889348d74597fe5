"""Append-only, hash-chained audit log (PRIVACY I.33-34)."""
