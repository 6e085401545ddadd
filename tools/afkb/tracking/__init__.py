"""Tracking the literature: metadata services, `afkb add`, `afkb check` and `afkb radar`."""
