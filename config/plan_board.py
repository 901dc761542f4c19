"""The plan board's indicators: a registry of the figures that answer for each key task of the plan.

The contract every app keeps (so that each register adds its own figures without editing another's module): the
app's plan_indicators module imports `indicator` from here (config lies below every app, tests/test_layers.py) and
declares each figure with it.

    @indicator(code="platforms-in-operation", task=3, unit="items", title=_("Common technology platforms"))
    def platforms(year: int, scope) -> int | Decimal: ...

- `code`: unique over every app; `task`: the task's number (1-15) in the plan; `unit`: a key of UNITS ("items" 个,
  "enterprises" 家, "people" 人, "yuan_10k" 万元, "m2" m², "percent" %) or any text shown as it is; `title`:
  translatable.
- The function computes the figure of `year` over the records `scope` may see: `scope.visible(queryset)` keeps them
  (the access layer's `restrict(user, VIEW)`: the bureau all, district staff their district, park administrators
  their parks, an enterprise its own); `scope.as_of` is the date dated records are read on (the year's last day, or
  today while the year runs); `scope.user` is the user.
- `records_url`, optional: `(year, as_of) -> str | None`, the API address of the records behind the figure, made
  with `records(route, **query)`: the list a bureau user follows holds what the figure counts.
- `page_url`, optional, the same shape: the address of the report centre's page showing those records, made with
  `page(url_name, **query)`; the board's page links the figure to it (and the API address as its data), a figure
  without one links its data only. Declared only where a page lists what the figure counts and its readers (the
  bureau, district staff, park administrators) may open it.
- `group`, optional: `(year, scope) -> {code: figure}`, the figures of several indicators computed at once (one GROUP
  BY query: the tiers held, the standards by level, the activities by kind). An indicator naming a group is
  declared by a call, not a decorator (`indicator(code=..., ..., group=tiers_held)`): its figure is the group's
  under its code (0 when absent), and the group runs once per board (memoised on the BoardScope, per year).
- Each app keeps its indicators in a module of its own (registry.plan_indicators, enterprises.plan_indicators,
  parks.plan_indicators) imported from its AppConfig.ready().
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import pgettext_lazy

from access.scoping import VIEW

UNITS = {
    "items": pgettext_lazy("measure word", "items"),  # 个
    "enterprises": pgettext_lazy("measure word", "enterprises"),  # 家
    "people": pgettext_lazy("measure word", "people"),  # 人
    "yuan_10k": "万元",
    "m2": "m²",
    "percent": "%",
}


@dataclass(frozen=True)
class BoardScope:
    """Whom the board is computed for and the date its dated figures are read on."""

    user: object
    as_of: datetime.date
    groups: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # (group, year) -> figures

    def visible(self, queryset):
        """The records of a queryset this scope may see."""
        return queryset.restrict(self.user, VIEW)

    def group_figures(self, group: Callable, year: int) -> dict:
        """The figures of an indicators' group for a year: computed on the first call, then shared."""
        if (group, year) not in self.groups:
            self.groups[(group, year)] = group(year, self)
        return self.groups[(group, year)]


@dataclass(frozen=True)
class Indicator:
    """A figure of the plan board: its code, task, unit and title, how it is computed, where its records are."""

    code: str
    task: int
    unit: str
    title: str
    compute: Callable[[int, BoardScope], int | Decimal]
    records_url: Callable[[int, datetime.date], str | None] | None = None
    position: int = 0
    page_url: Callable[[int, datetime.date], str | None] | None = None
    group: Callable[[int, BoardScope], dict] | None = None

    @property
    def unit_name(self) -> str:
        """The unit as a page shows it (个, 家, 万元...)."""
        return str(UNITS.get(self.unit, self.unit))


INDICATORS: dict[str, Indicator] = {}


def indicator(*, code: str, task: int, unit: str, title, records_url=None, page_url=None, group=None):
    """Register the decorated function `(year, scope) -> int | Decimal` as an indicator of the plan's task `task`;
    with `group`, register at once the indicator whose figure is the group's under `code` (returns its function)."""
    if not 1 <= task <= 15:
        raise ValueError(f"indicator {code}: task {task} is not one of the plan's 1-15")

    def register(compute):
        known = INDICATORS.get(code)
        if known is not None and (known.compute is not compute if group is None else known.group is not group):
            raise ValueError(f"indicator {code} is registered twice")
        INDICATORS[code] = Indicator(code=code, task=task, unit=unit, title=title, compute=compute,
                                     records_url=records_url, position=len(INDICATORS), page_url=page_url,
                                     group=group)
        return compute

    if group is not None:
        return register(_grouped(group, code))
    return register


def _grouped(group: Callable[[int, BoardScope], dict], code: str) -> Callable[[int, BoardScope], int | Decimal]:
    """The function of an indicator of a group: its figure among the group's, computed once per board."""
    def compute(year: int, scope: BoardScope) -> int | Decimal:
        return scope.group_figures(group, year).get(code, 0)

    compute.__doc__ = f"The figure {code} of the group {group.__name__}."
    return compute


def task_indicators(task: int) -> list[Indicator]:
    """The indicators of a task, in the order they were registered."""
    return sorted((item for item in INDICATORS.values() if item.task == task), key=lambda item: item.position)


def the_year(year: int, as_of: datetime.date) -> int:
    """A records_url's query value: the board's year."""
    return year


def the_date(year: int, as_of: datetime.date) -> str:
    """A records_url's query value: the board's date (ISO)."""
    return as_of.isoformat()


def records(route: str, **query) -> Callable[[int, datetime.date], str]:
    """A records_url: the API list `api:<route>-list` (or the URL name `route` itself when it names its namespace,
    `api:report-compliance-gaps`) filtered by `query`, each value a constant, a list (the parameter repeated:
    `type=invention&type=design`) or a function `(year, as_of) -> value` (the_year, the_date)."""
    return _address(route if ":" in route else f"api:{route}-list", query)


def page(url_name: str, **query) -> Callable[[int, datetime.date], str]:
    """A page_url: the report centre's page `url_name` (`report-compliance-gaps`) filtered by `query`, each value as
    in `records`."""
    return _address(url_name, query)


def _address(name: str, query: dict) -> Callable[[int, datetime.date], str]:
    """The address of the URL name `name` with the query, its values computed for the board's year and date."""

    def url(year: int, as_of: datetime.date) -> str:
        values = {key: value(year, as_of) if callable(value) else value for key, value in query.items()}
        return f"{reverse(name)}?{urlencode(values, doseq=True)}"
    return url
