"""The package's own errors: the CLI prints each as one line and exits 1."""

from __future__ import annotations


class AfkbError(Exception):
    """An error the user can act on; its message is the whole explanation."""
