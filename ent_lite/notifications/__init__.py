"""Notifications: tell each person once, at a bearable hour, with no content.

Features record an event in their own transaction (``events``); the worker (``worker``) fans
it out to the people it concerns, plans each person's mail and push by their preferences and
quiet hours (``schedule``), then sends them (``channels``): urgent items at once, the rest
immediately or merged into one daily or weekly digest. Mails and pushes say only that
something is waiting, with a link that requires login (PRIVACY.md 18).
"""
