"""The plan board's indicators of the park services: parks offering incubation (task 9, clusters) and the
scene-matching and financing-matching services the parks offer (task 13, the industrial ecosystem), on the board's
date. Both are one group (config.plan_board's `group`): one aggregate over the services offered, shared by the two
figures, over the records `scope.visible()` keeps; imported from ParksConfig.ready()."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from config.as_of import as_of
from config.plan_board import indicator, records, the_date

from .choices import ParkServiceKind
from .models import ParkService

MATCHING = (ParkServiceKind.SCENE_MATCHING, ParkServiceKind.FINANCING)


def offered(scope, *kinds: str):
    """The park services of the kinds offered on the board's date that the scope may see."""
    return scope.visible(as_of(ParkService.objects.filter(kind__in=kinds), on=scope.as_of))


def services_offered(year: int, scope) -> dict[str, int]:
    """The group of the park services: the parks offering an incubation service on the board's date (each park
    once), and the scene-matching and investment-and-financing matching services offered on it (one aggregate)."""
    figures = offered(scope, ParkServiceKind.INCUBATION, *MATCHING).aggregate(
        incubating=Count("park", distinct=True, filter=Q(kind=ParkServiceKind.INCUBATION)),
        matching=Count("pk", filter=Q(kind__in=MATCHING)))
    return {"parks-incubating": figures["incubating"], "park-matching-services": figures["matching"]}


indicator(code="parks-incubating", task=9, unit="items", title=_("Parks offering incubation services"),
          records_url=records("parkservice", kind=[ParkServiceKind.INCUBATION], offered_on=the_date),
          group=services_offered)
indicator(code="park-matching-services", task=13, unit="items",
          title=_("Scene-matching and financing-matching services of the parks"),
          records_url=records("parkservice", kind=list(MATCHING), offered_on=the_date), group=services_offered)
