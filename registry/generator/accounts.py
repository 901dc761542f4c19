"""The accounts' roles across a generated city: the park and enterprise memberships of every account (the demo
accounts' among them) are noted before the registry is emptied and given back on the generated records.

A membership cannot keep its park or enterprise, which the city replaces, so it moves to the generated record
nearest in place: a park administrator to the biggest generated park of their park's district (the city's
biggest park when that district has none), an enterprise user to the first active generated enterprise
registered in their enterprise's district (the city's first active one when there is none). Accounts, groups,
passwords and tokens are never touched, so the bureau keeps its role and every account signs in as before.
"""

from dataclasses import dataclass

from enterprises.choices import EnterpriseStatus
from enterprises.models import Enterprise, EnterpriseMembership
from parks.models import Park, ParkMembership

CHANGE_REASON = "generate_city: membership moved to the generated city"


@dataclass
class Memberships:
    """The memberships held before a city is generated: (user id, district code of the park or enterprise)."""

    parks: list[tuple[int, str]]
    enterprises: list[tuple[int, str]]


def memberships_note() -> Memberships:
    """The park and enterprise memberships of every account, by the district of their record."""
    return Memberships(
        parks=list(ParkMembership.objects.order_by("pk").values_list("user_id", "park__district__code")),
        enterprises=list(EnterpriseMembership.objects.order_by("pk").values_list(
            "user_id", "enterprise__district__code")),
    )


def _first_by_district(queryset) -> tuple[dict[str, int], int | None]:
    """The lowest id of the queryset's records per district code, and its lowest id overall."""
    firsts = dict(queryset.order_by("district__code", "pk").distinct("district__code").values_list(
        "district__code", "pk"))
    return firsts, queryset.order_by("pk").values_list("pk", flat=True).first()


def memberships_restore(noted: Memberships) -> dict[str, int]:
    """Give the noted memberships back on the generated parks and enterprises (with their history rows); how many
    of each."""
    restored = {}
    for model, held, queryset, field in (
        (ParkMembership, noted.parks, Park.objects.all(), "park_id"),
        (EnterpriseMembership, noted.enterprises, Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE),
         "enterprise_id"),
    ):
        firsts, fallback = _first_by_district(queryset)
        pairs = {(user_id, firsts.get(code, fallback)) for user_id, code in held}
        for user_id, record_id in sorted(pair for pair in pairs if pair[1] is not None):
            membership = model(user_id=user_id, **{field: record_id})
            membership._change_reason = CHANGE_REASON
            membership.save()
        restored[model._meta.db_table] = len([pair for pair in pairs if pair[1] is not None])
    return restored
