"""Accounts: users, roles, staff memberships, login, activation and passwords."""
