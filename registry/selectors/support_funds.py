"""The support-fund report: the awards the user may see grouped by policy, district, park, plan task or year, with
their counts and amounts (万元).

An award counts as granted when approved or paid; its amounts approved and paid are summed over the granted ones,
outstanding is approved less paid. Applied and cancelled awards are counted apart. An award's year is its policy's;
its district and park are its enterprise's (where it is registered now); statuses and amounts are as recorded
today."""

from django.db.models import Count, Q, Sum

from access.scoping import VIEW

from ..choices import GRANTED_AWARD_STATUSES, AwardStatus, FundGrouping
from ..models import SupportAward

# grouping -> (the key's path, the name's path, the awards list's filter naming the key)
GROUPS = {
    FundGrouping.POLICY: ("policy_id", "policy__name", "policy"),
    FundGrouping.DISTRICT: ("enterprise__district_id", "enterprise__district__name", "district"),
    FundGrouping.PARK: ("enterprise__park_id", "enterprise__park__name", "park"),
    FundGrouping.TASK: ("policy__task__number", "policy__task__title", "task"),
}
GRANTED = Q(status__in=GRANTED_AWARD_STATUSES)


def support_fund_rows(*, user, by: str, year: int) -> list[dict]:
    """The report's rows for the policies of a year: per group (key, name, the awards list's filter naming it), the
    awards granted, applied and cancelled, and the amounts approved, paid and outstanding over the granted ones;
    ordered by the key (no park or task last)."""
    key, name, param = GROUPS[by]
    awards = SupportAward.objects.restrict(user, VIEW).filter(policy__year=year)
    grouped = (awards.order_by().values(key, name)
               .annotate(awards=Count("pk", filter=GRANTED),
                         applied=Count("pk", filter=Q(status=AwardStatus.APPLIED)),
                         cancelled=Count("pk", filter=Q(status=AwardStatus.CANCELLED)),
                         approved=Sum("amount_approved", filter=GRANTED), paid=Sum("amount_paid", filter=GRANTED))
               .order_by(f"{key}"))
    rows = []
    for group in grouped:
        approved, paid = group["approved"] or 0, group["paid"] or 0
        rows.append({"key": group[key], "name": group[name], "param": param, "awards": group["awards"],
                     "applied": group["applied"], "cancelled": group["cancelled"], "approved": approved,
                     "paid": paid, "outstanding": approved - paid})
    return rows
