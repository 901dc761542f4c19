"""Admin pages of the enterprises app (one module per subject; importing them registers the pages)."""

from . import compliance, declaration, designation, enterprise, evidence, filing, park, registers, season, users  # noqa: F401
