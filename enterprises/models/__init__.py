"""Models of the enterprises app: enterprises and tenancies, annual filings, tier designations."""

from .designation import TierDesignation
from .enterprise import DateRange, Enterprise, EnterpriseMembership, Tenancy, overlap_message, overlap_named
from .filing import AnnualFiling

__all__ = [
    "AnnualFiling", "DateRange", "Enterprise", "EnterpriseMembership", "Tenancy", "TierDesignation",
    "overlap_message",
    "overlap_named",
]
