"""Shared plumbing: login wall, security headers, error pages, language choice, mail."""
