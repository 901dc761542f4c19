"""The 专精特新 tier engine: versioned rule sets over a filing's figures, evaluated in Python and in SQL.

Pure: it reads figures (a mapping, e.g. `AnnualFiling.figures()`) and held tiers, and never writes anything.
"""

from .engine import RULE_SETS, assess, first_filing_years, get_rule_set, rule_set_for
from .results import Assessment, BlockResult, CriterionResult, IndicatorResult, ScoreResult, TierResult
from .rules import RuleSet, TierRule

__all__ = [
    "RULE_SETS", "Assessment", "BlockResult", "CriterionResult", "IndicatorResult", "RuleSet", "ScoreResult",
    "TierResult", "TierRule", "assess", "first_filing_years", "get_rule_set", "rule_set_for",
]
