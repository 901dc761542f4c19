"""The tier engine: the registered rule sets, which applies to a filing year, and the pure assessment."""

from collections.abc import Collection, Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import LADDER, Tier
from .results import Assessment, CriterionResult, TierResult
from .rules import RuleSet, held_rungs, normalise_held
from .rules_2022 import RULES_2022, sme_limits_include_boundary
from .rules_2026 import RULES_2026

# Registered rule sets by code; adding a rule set is adding its module and one entry here.
RULE_SETS: dict[str, RuleSet] = {rule_set.code: rule_set for rule_set in (RULES_2022, RULES_2026)}
# Setting: {rule set code: first filing year it applies to}, overriding each rule set's own first_filing_year.
FIRST_YEARS_SETTING = "TIER_RULE_SET_FIRST_YEARS"


def get_rule_set(code: str) -> RuleSet:
    """The rule set registered under `code`; ValueError naming the known codes for an unknown one."""
    try:
        return RULE_SETS[str(code)]
    except KeyError:
        known = ", ".join(sorted(RULE_SETS))
        raise ValueError(f"Unknown tier rule set {code!r}; the known rule sets are {known}.") from None


def first_filing_years() -> dict[str, int]:
    """Each rule set's first filing year, with the TIER_RULE_SET_FIRST_YEARS setting applied (read at call time)."""
    years = {code: rule_set.first_filing_year for code, rule_set in RULE_SETS.items()}
    override = getattr(settings, FIRST_YEARS_SETTING, None) or {}
    unknown = set(override) - set(years)
    if unknown:
        raise ImproperlyConfigured(f"{FIRST_YEARS_SETTING} names unknown rule sets: {', '.join(sorted(unknown))}.")
    return years | {code: int(year) for code, year in override.items()}


def rule_set_for(year: int) -> RuleSet:
    """The rule set for a filing year: the latest whose first filing year is not after it (the earliest before)."""
    years = first_filing_years()
    started = [code for code in years if years[code] <= year]
    code = max(started, key=years.__getitem__) if started else min(years, key=years.__getitem__)
    return RULE_SETS[code]


def _no_filing(rule_set: RuleSet, year: int | None) -> dict[Tier, TierResult]:
    """Every tier unmet, for want of an approved filing."""
    if year is None:
        gap = _("No approved filing")
    else:
        gap = format_lazy(_("No approved filing for {year}"), year=year)
    missing = CriterionResult("filing", _("Approved filing"), None, "", _("required"), False, gap)
    return {rule.tier: TierResult(rule.tier, rule.name, False, False, (missing,)) for rule in rule_set.rules}


def _highest(tiers) -> Tier | None:
    """The highest ladder tier among `tiers`."""
    present = [tier for tier in LADDER if tier in tiers]
    return present[-1] if present else None


def assess(
    *, figures: Mapping | None, held: Collection[str], year: int | None, rule_set: RuleSet,
) -> Assessment:
    """An enterprise's tiers under a rule set, from its approved filing's figures (None: no approved filing).

    `held`: the tiers it holds (valid or due for re-review) on the assessment date. A tier is obtainable now when
    its criteria are met and the tier below is held (the base tier needs nothing; a higher tier held counts as
    holding the lower). The next tier is the lowest rung above the highest held or obtainable one; the gaps are
    its failing criteria, and the tier below it when that is not held.
    """
    held_tiers = normalise_held(held)
    results = _no_filing(rule_set, year) if figures is None else rule_set.evaluate(figures, held=held_tiers)
    met = {tier for tier, result in results.items() if result.met}
    obtainable = {tier for tier, result in results.items() if result.obtainable}
    top = _highest(set(held_tiers) | obtainable)
    above = LADDER[LADDER.index(top) + 1:] if top else LADDER
    next_tier = above[0] if above else None
    gaps = ()
    if next_tier is not None:
        gaps = tuple(criterion.gap for criterion in results[next_tier].failing)
        index = LADDER.index(next_tier)
        if index and LADDER[index - 1] not in held_rungs(held_tiers):
            below = results[LADDER[index - 1]].label
            gaps += (format_lazy(_("Requires holding {tier} first"), tier=below),)
    return Assessment(
        rule_set=rule_set.code, rule_set_name=rule_set.name, year=year, held=held_tiers,
        tiers=tuple(results.values()), highest_met=_highest(met), highest_obtainable=_highest(obtainable),
        next_tier=next_tier, gaps=gaps, sme_limits_include_boundary=sme_limits_include_boundary(),
    )
