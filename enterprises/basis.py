"""What a report answer says it is (its basis): the year, how the year was chosen, the as-of date and the rule set,
in one shape for every report: JSON carries it as `basis`, CSV and XLSX as a header block above the table."""

import datetime

from config.data_version import read_at
from enterprises.tiers import get_rule_set, rule_set_for

MONEY_UNIT = "万元"  # every money figure of the reports (plan targets state their own unit per row)
DEFAULT, ASKED = "default", "asked"  # how the year was chosen: the reporting year, or the query's `year`


def report_basis(*, year: int, as_of: datetime.date, default: bool, rule_set: str = "") -> dict:
    """A report's basis: its year (and whether it is the default reporting year or the one asked for), the date
    its dated figures are read on, the tier rule set (the one applied, else the year's default), the money unit and the
    data version its figures were read at (config.data_version; left out of an answer not read in one snapshot, such
    as an enterprise's self-assessment)."""
    rules = get_rule_set(rule_set) if rule_set else rule_set_for(year)
    basis = {
        "year": year, "year_chosen": DEFAULT if default else ASKED, "as_of": as_of,
        "rule_set": rules.code, "rule_set_name": str(rules.name), "money_unit": MONEY_UNIT,
    }
    version = read_at()
    return basis if version is None else {**basis, "data_version": version}
