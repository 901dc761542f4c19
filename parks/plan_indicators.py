"""The plan board's indicators of the park services: parks offering incubation (task 9, clusters) and the
scene-matching and financing-matching services the parks offer (task 13, the industrial ecosystem), on the board's
date.

Each is a function `(year, scope) -> int` over the records `scope.visible()` keeps, declared with the plan board's
keywords (code, task, unit, title, records_url). The parks app lies below the registry (tests/test_layers.py), so it
cannot import the board's decorator: `indicator` here keeps each declaration, and the registry's AppConfig.ready()
hands them to the board (`register`), as it does the enterprises app's."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.as_of import as_of

from .choices import ParkServiceKind
from .models import ParkService

# (keywords of the board's decorator, the function) in the order declared.
DECLARED: list[tuple[dict, Callable]] = []

MATCHING = (ParkServiceKind.SCENE_MATCHING, ParkServiceKind.FINANCING)


def indicator(*, code: str, task: int, unit: str, title, records_url=None):
    """Keep the decorated function as an indicator of the plan's task, for the board (`register`)."""
    def keep(compute):
        DECLARED.append(({"code": code, "task": task, "unit": unit, "title": title, "records_url": records_url},
                         compute))
        return compute
    return keep


def register(board_indicator) -> None:
    """Register every indicator declared here with the plan board's decorator (registry.plan_board.indicator)."""
    for keywords, compute in DECLARED:
        board_indicator(**keywords)(compute)


def _services(*kinds: str) -> Callable:
    """A records_url: the API list of the park services of the kinds offered on the board's date."""
    def url(year: int, on) -> str:
        return f"{reverse('api:parkservice-list')}?{urlencode([('kind', k) for k in kinds] + [('offered_on', on)])}"
    return url


def offered(scope, *kinds: str):
    """The park services of the kinds offered on the board's date that the scope may see."""
    return scope.visible(as_of(ParkService.objects.filter(kind__in=kinds), on=scope.as_of))


@indicator(code="parks-incubating", task=9, unit="items", title=_("Parks offering incubation services"),
           records_url=_services(ParkServiceKind.INCUBATION))
def parks_incubating(year: int, scope) -> int:
    """Parks offering an incubation service on the board's date (each park once)."""
    return offered(scope, ParkServiceKind.INCUBATION).values("park").distinct().count()


@indicator(code="park-matching-services", task=13, unit="items",
           title=_("Scene-matching and financing-matching services of the parks"),
           records_url=_services(*MATCHING))
def park_matching_services(year: int, scope) -> int:
    """Scene-matching and investment-and-financing matching services the parks offer on the board's date."""
    return offered(scope, *MATCHING).count()
