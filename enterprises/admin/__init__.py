"""Admin pages of the enterprises app (one module per subject; importing them registers the pages)."""

from . import designation, enterprise, filing, park, users  # noqa: F401
