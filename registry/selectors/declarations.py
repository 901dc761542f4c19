"""The declaration pipeline: per round and district, how many declarations reached each stage of review and how many
stand returned, rejected or withdrawn now, over the declarations the user may see (docs/reports-declarations.md).

A stage is counted from where a declaration stands now and from its recorded steps alike (`STAGES`), so a
declaration loaded at its stage without steps counts as one that took them. One definition serves the counts and
the drill-down to the enterprises behind a count.
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q

from access.scoping import VIEW
from enterprises.choices import DeclarationAction, DeclarationStatus
from enterprises.models import Declaration, DeclarationStep

S = DeclarationStatus
# The statuses a declaration reaches only past the district's recommendation, and past the city's approval.
PAST_DISTRICT = (S.CITY_REVIEW, S.PUBLICITY, S.DESIGNATED, S.WITHDRAWN)
PAST_CITY = (S.PUBLICITY, S.DESIGNATED, S.WITHDRAWN)
IN_REVIEW = (S.DISTRICT_REVIEW, S.CITY_REVIEW, S.PUBLICITY)  # submitted and not yet decided

# The columns of the report, in order: the stages reached, then where declarations stand now.
STAGE_NAMES = ("declared", "recommended", "approved", "published", "designated", "in_review", "returned", "rejected",
               "withdrawn")


def _stepped(action: str) -> Exists:
    """Whether the declaration has a recorded step of this action."""
    return Exists(DeclarationStep.objects.filter(declaration=OuterRef("pk"), action=action))


def stage_condition(stage: str, *, on: datetime.date) -> Q:
    """The condition on submitted declarations for one column of the pipeline, on a date (the publication of a
    round's list is its first day of publicity)."""
    approved = Q(status__in=PAST_CITY)
    conditions = {
        "declared": Q(),
        "recommended": Q(status__in=PAST_DISTRICT) | Q(_stepped(DeclarationAction.RECOMMEND)),
        "approved": approved,
        "published": approved & Q(round__publicity_starts__lte=on),
        "designated": Q(status=S.DESIGNATED),
        "in_review": Q(status__in=IN_REVIEW),
        "returned": Q(status=S.RETURNED),
        "rejected": Q(status=S.REJECTED),
        "withdrawn": Q(status=S.WITHDRAWN),
    }
    return conditions[stage]


def pipeline_declarations(*, user, year: int, tier: str | None = None, round_id: int | None = None,
                          district: int | None = None):
    """The submitted declarations (not drafts) in rounds opening in the year that the user may see, optionally of
    one tier, round or district."""
    found = Declaration.objects.restrict(user, VIEW).filter(round__opens__year=year).exclude(status=S.DRAFT)
    if tier:
        found = found.filter(round__tier=tier)
    if round_id:
        found = found.filter(round_id=round_id)
    if district:
        found = found.filter(district_id=district)
    return found


def declaration_pipeline(*, user, year: int, on: datetime.date, tier: str | None = None,
                         round_id: int | None = None, district: int | None = None) -> list[dict]:
    """Per (round, district) with any submitted declaration: the round, its tier and rule set, the district, and the
    count of each column of `STAGE_NAMES`; by round (newest first) and district code (one query)."""
    found = pipeline_declarations(user=user, year=year, tier=tier, round_id=round_id, district=district)
    rows = found.order_by().values(
        "round_id", "round__name", "round__tier", "round__rule_set", "round__opens", "district_id", "district__code",
        "district__name",
    ).annotate(**{stage: Count("pk", filter=stage_condition(stage, on=on)) for stage in STAGE_NAMES})
    rows = sorted(rows, key=lambda row: (-row["round__opens"].toordinal(), row["round__name"], row["district__code"]))
    return [{"round": row["round_id"], "round_name": row["round__name"], "tier": row["round__tier"],
             "rule_set": row["round__rule_set"], "district": row["district_id"],
             "district_code": row["district__code"], "district_name": row["district__name"],
             **{stage: row[stage] for stage in STAGE_NAMES}} for row in rows]


def pipeline_enterprises(*, user, year: int, on: datetime.date, stage: str, tier: str | None = None,
                         round_id: int | None = None, district: int | None = None):
    """The declarations behind one count of the pipeline (the report centre's drill-down, which pages them), with
    their enterprise, round and district, by round (newest first) and enterprise name."""
    found = pipeline_declarations(user=user, year=year, tier=tier, round_id=round_id, district=district)
    return found.filter(stage_condition(stage, on=on)).select_related("enterprise", "round", "district") \
        .order_by("-round__opens", "round__name", "enterprise__name", "pk")


def declaration_counts(*, year: int) -> list[dict]:
    """Every submitted declaration in rounds opening in the year, counted per (declaration's district, enterprise's
    park, round's tier): declared, and in review now (the tier summary's columns; one query)."""
    found = Declaration.objects.filter(round__opens__year=year).exclude(status=S.DRAFT).order_by()
    return list(found.values("district_id", place_park=F("enterprise__park_id"), round_tier=F("round__tier")).annotate(
        declared=Count("pk"), in_review=Count("pk", filter=Q(status__in=IN_REVIEW))))

