"""Models of the enterprises app: enterprises and tenancies, annual filings, tier designations and declarations,
invitations; the enterprise's own registers (standards, IP, virtual characters, financing, listings, industry
activities); compliance filings."""

from .activity import IndustryActivity
from .character import DigitalHumanIp, DigitalHumanRegistration
from .compliance import ComplianceFiling
from .declaration import Declaration, DeclarationRound, DeclarationStep, Objection
from .designation import TierDesignation
from .enterprise import (
    DateRange,
    Enterprise,
    EnterpriseMembership,
    Tenancy,
    end_after,
    last_day_of,
    overlap_message,
    overlap_named,
)
from .evidence import EvidenceFile
from .filing import AnnualFiling
from .financing import FinancingRound, Listing
from .invitation import Invitation
from .ip import IntellectualProperty
from .season import FilingSeason, default_season
from .standard import Standard

__all__ = [
    "AnnualFiling", "DateRange", "Declaration", "DeclarationRound", "DeclarationStep", "DigitalHumanIp",
    "DigitalHumanRegistration", "Enterprise", "EnterpriseMembership", "EvidenceFile", "FilingSeason", "FinancingRound",
    "IntellectualProperty", "Invitation", "Listing", "Objection", "Standard", "Tenancy", "TierDesignation",
    "default_season", "end_after", "last_day_of", "overlap_message", "overlap_named",
    "ComplianceFiling",
    "IndustryActivity",
]
