"""Consents for the optional purposes of the register (photo publication, city information)."""
