"""Models of the enterprises app: enterprises and tenancies, annual filings, tier designations and declarations,
invitations."""

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
from .invitation import Invitation
from .season import FilingSeason, default_season

__all__ = [
    "AnnualFiling", "DateRange", "Declaration", "DeclarationRound", "DeclarationStep", "Enterprise",
    "EnterpriseMembership", "EvidenceFile", "FilingSeason", "Invitation", "Objection", "Tenancy", "TierDesignation",
    "default_season", "end_after", "last_day_of", "overlap_message", "overlap_named",
]
