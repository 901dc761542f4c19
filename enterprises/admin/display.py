"""How the enterprises admin shows tiers and statuses: short labels and badge colours."""


from config.admin_export import badge, badges

from ..choices import TIER_SHORT_NAMES, DesignationStatus, FilingStatus, Tier

TIER_COLOURS = {
    Tier.INNOVATIVE: "#1565c0", Tier.SPECIALISED: "#2e7d32", Tier.LITTLE_GIANT: "#ef6c00",
    Tier.SINGLE_CHAMPION: "#c62828",
}
FILING_COLOURS = {
    FilingStatus.DRAFT: "#757575", FilingStatus.SUBMITTED: "#1565c0", FilingStatus.RETURNED: "#c62828",
    FilingStatus.APPROVED: "#2e7d32", FilingStatus.SUPERSEDED: "#9e9e9e",
}
DESIGNATION_COLOURS = {
    DesignationStatus.VALID: "#2e7d32", DesignationStatus.DUE: "#ef6c00", DesignationStatus.EXPIRED: "#757575",
    DesignationStatus.REVOKED: "#c62828",
}


def tier_badges(tiers):
    """Badges of tiers (already in the order to show)."""
    return badges((TIER_SHORT_NAMES[tier], TIER_COLOURS[tier]) for tier in tiers)


def filing_status_badge(status, prefix=""):
    """A badge of a filing status, after an optional prefix (the year); None without a status."""
    if not status:
        return None
    label = FilingStatus(status).label
    return badge(f"{prefix} {label}" if prefix else label, FILING_COLOURS[status])


def designation_status_badge(status):
    """A badge of a designation status."""
    return badge(DesignationStatus(status).label, DESIGNATION_COLOURS[status])
