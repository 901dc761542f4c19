"""Notifications: the in-app inbox, e-mail of the same messages, and reminders sent once per subject and period.

A shared base app (like config.versioning): every domain app may call `config.notifications.services.notify`; it
imports no domain app. docs/notifications.md says what notifies whom.
"""
