"""The tier-summary job's set-based query (held designations aggregated once, totals by GROUPING SETS, rows written
with COPY) gives the rows the population's own flags give (`enterprises.selectors.tier_population`, an EXISTS per
flag), summed here in Python, on a generated city; and nothing for an empty registry."""

import hashlib
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from enterprises.choices import LADDER, Tier
from enterprises.selectors import percent, population_filing, tier_population, tier_reference_date
from enterprises.tiers import rule_set_for
from parks.models import Park
from registry.choices import ALL_TIERS, RunKind, RunStatus
from registry.models import ReportRun, TierSummary
from registry.selectors import tier_summary_compute
from registry.services import report_run_execute

pytestmark = pytest.mark.django_db

MONEY = ("revenue", "digital_human_revenue", "rd_expense")
FIELDS = ("level", "district_id", "park_id", "tier", "enterprises", "filed", "designated", "candidates",
          "due_for_review", "reporting", *MONEY, "rd_intensity")


def reference_rows(year: int) -> set[tuple]:
    """The summary from tier_population's rows (one per enterprise, its flags as SQL EXISTS), summed in Python."""
    on = tier_reference_date(year)
    population = tier_population(year=year, rule_set=rule_set_for(year), on=on)
    flags = [f"{kind}_{t}" for kind in ("held", "due") for t in Tier.values] + [f"candidate_{t}" for t in LADDER]
    parks = dict(Park.objects.values_list("pk", "district_id"))
    sums = defaultdict(lambda: defaultdict(Decimal))
    for row in population.values("place_district", "place_park", *flags, filing=population_filing("id"),
                                 **{m: population_filing(m) for m in MONEY}):
        places = [("city", None, None), ("district", row["place_district"], None)]
        if row["place_park"] is not None:
            places.append(("park", parks[row["place_park"]], row["place_park"]))
        held = {t for t in Tier.values if row[f"held_{t}"]}
        due = {t for t in Tier.values if row[f"due_{t}"]}
        candidate = {t for t in LADDER if row[f"candidate_{t}"]}
        for place in places:
            for tier in (ALL_TIERS, *Tier.values):
                bucket = sums[(*place, tier)]
                counted = bool(held) if tier == ALL_TIERS else tier in held
                bucket["enterprises"] += 1
                bucket["filed"] += row["filing"] is not None
                bucket["designated"] += counted
                bucket["due_for_review"] += bool(due) if tier == ALL_TIERS else tier in due
                bucket["candidates"] += bool(candidate) if tier == ALL_TIERS else tier in candidate
                if row["filing"] is not None and (tier == ALL_TIERS or counted):
                    bucket["reporting"] += 1
                    for money in MONEY:
                        bucket[money] += row[money]
    return {(*place, *(int(b[k]) for k in FIELDS[4:10]), *(b[m] for m in MONEY), percent(b["rd_expense"],
             b["revenue"])) for place, b in sums.items()}


def checksum(rows) -> str:
    """A digest of rows, independent of their order and of how many decimal places a sum carries (0 and 0.00)."""
    cents = Decimal("0.01")
    lines = sorted(repr(tuple(v.quantize(cents) if isinstance(v, Decimal) else v for v in row)) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_the_job_writes_the_rows_the_population_flags_give():
    """On a generated city of 1,500 enterprises: the job's stored rows are the reference rows, row for row."""
    call_command("generate_city", enterprises=1500, years=2, seed=11, replace=True, stdout=StringIO())
    year = timezone.localdate().year - 1
    expected = reference_rows(year)
    run = ReportRun.objects.create(kind=RunKind.TIER_SUMMARY, year=year)
    report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    stored = {tuple(row[k] for k in FIELDS) for row in TierSummary.objects.filter(run=run).values(*FIELDS)}
    assert len(stored) == run.rows == len(expected) == 5 * (1 + len({p[1] for p in expected if p[0] == "district"})
                                                            + len({p[2] for p in expected if p[0] == "park"}))
    assert stored == expected
    assert checksum(stored) == checksum(expected)
    city = {row[3]: row for row in stored if row[0] == "city"}
    assert city[ALL_TIERS][4] >= 1500 * 0.9 and city[ALL_TIERS][7] > 0  # most enterprises counted; some candidates


def test_an_empty_registry_gives_no_rows():
    """No enterprise: no summary rows (not a city row of zeros)."""
    year = timezone.localdate().year - 1
    assert tier_summary_compute(year=year, rule_set=rule_set_for(year), on=tier_reference_date(year)) == []
