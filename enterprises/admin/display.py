"""How the enterprises admin shows tiers and statuses: short labels and badges (their colours by kind in
config/static/admin-registry.css)."""


from config.admin_export import badge, badges

from ..choices import TIER_NAMES, DesignationStatus, FilingStatus, Tier

TIER_COLOURS = {
    Tier.INNOVATIVE: "blue", Tier.SPECIALISED: "green", Tier.LITTLE_GIANT: "orange", Tier.SINGLE_CHAMPION: "red",
}
FILING_COLOURS = {
    FilingStatus.DRAFT: "grey", FilingStatus.SUBMITTED: "blue", FilingStatus.RETURNED: "red",
    FilingStatus.APPROVED: "green", FilingStatus.SUPERSEDED: "light",
}
DESIGNATION_COLOURS = {
    DesignationStatus.VALID: "green", DesignationStatus.DUE: "orange", DesignationStatus.EXPIRED: "grey",
    DesignationStatus.REVOKED: "red",
}


def tier_badges(tiers):
    """Badges of tiers (already in the order to show)."""
    return badges((TIER_NAMES[tier], TIER_COLOURS[tier]) for tier in tiers)


def filing_status_badge(status, prefix=""):
    """A badge of a filing status, after an optional prefix (the year); None without a status."""
    if not status:
        return None
    label = FilingStatus(status).label
    return badge(f"{prefix} {label}" if prefix else label, FILING_COLOURS[status])


def designation_status_badge(status):
    """A badge of a designation status."""
    return badge(DesignationStatus(status).label, DESIGNATION_COLOURS[status])
