"""The plan board's indicators of the park services: parks offering incubation (task 9, clusters) and the
scene-matching and financing-matching services the parks offer (task 13, the industrial ecosystem), on the board's
date. Each is a function `(year, scope) -> int` over the records `scope.visible()` keeps, declared with the plan
board's decorator (config.plan_board.indicator); imported from ParksConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from config.as_of import as_of
from config.plan_board import indicator, records, the_date

from .choices import ParkServiceKind
from .models import ParkService

MATCHING = (ParkServiceKind.SCENE_MATCHING, ParkServiceKind.FINANCING)


def offered(scope, *kinds: str):
    """The park services of the kinds offered on the board's date that the scope may see."""
    return scope.visible(as_of(ParkService.objects.filter(kind__in=kinds), on=scope.as_of))


@indicator(code="parks-incubating", task=9, unit="items", title=_("Parks offering incubation services"),
           records_url=records("parkservice", kind=[ParkServiceKind.INCUBATION], offered_on=the_date))
def parks_incubating(year: int, scope) -> int:
    """Parks offering an incubation service on the board's date (each park once)."""
    return offered(scope, ParkServiceKind.INCUBATION).values("park").distinct().count()


@indicator(code="park-matching-services", task=13, unit="items",
           title=_("Scene-matching and financing-matching services of the parks"),
           records_url=records("parkservice", kind=list(MATCHING), offered_on=the_date))
def park_matching_services(year: int, scope) -> int:
    """Scene-matching and investment-and-financing matching services the parks offer on the board's date."""
    return offered(scope, *MATCHING).count()
