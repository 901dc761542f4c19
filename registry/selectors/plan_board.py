"""The plan board: for each key task of the action plan (PLAN_2022_2025), its indicators' figures of a year
(config.plan_board) and the support funds granted under the policies serving it, all over what the user may see.

An indicator is computed over the records the user's scope may see (the bureau all, district staff their district,
park administrators their parks, an enterprise its own), dated records as of the board's date. The support funds
of a task count the awards granted (approved or paid) under its policies of the year by the board's date (approved
on or before it), their amounts approved, the amounts paid on or before the date (万元), and the policies of the
year with their budgets."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from access.scoping import VIEW
from config.plan_board import BoardScope, Indicator, task_indicators

from ..choices import GRANTED_AWARD_STATUSES
from ..models import PlanTask, SupportAward, SupportPolicy

PLAN_2022_2025 = "北京市促进数字人产业创新发展行动计划（2022-2025年）"  # the plan the registered indicators answer for


@dataclass
class Figure:
    """One indicator's figure: the indicator, its exact value, the address of its records and of the report page
    showing them (if any)."""

    indicator: Indicator
    value: Decimal
    records_url: str | None = None
    page_url: str | None = None


@dataclass
class BoardRow:
    """One task of the board: the task, its figures, and the support funds of its policies of the year."""

    task: PlanTask
    figures: list[Figure] = field(default_factory=list)
    policies: int = 0
    budget: Decimal = Decimal(0)
    awards: int = 0
    approved: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def task_support(*, user, year: int, on: datetime.date) -> dict[int, dict]:
    """Per task number: the policies of the year (count, budget) and the awards granted under them by the date that
    the user may see (count, amounts approved by the date and paid by the date, 万元)."""
    policies = (SupportPolicy.objects.restrict(user, VIEW).filter(year=year, task__plan=PLAN_2022_2025).order_by()
                .values("task__number").annotate(policies=Count("pk"), budget=Sum("budget")))
    awards = (SupportAward.objects.restrict(user, VIEW)
              .filter(policy__year=year, policy__task__plan=PLAN_2022_2025, status__in=GRANTED_AWARD_STATUSES,
                      approved_on__lte=on).order_by()
              .values("policy__task__number")
              .annotate(awards=Count("pk"), approved=Sum("amount_approved"),
                        paid=Sum("amount_paid", filter=Q(paid_on__lte=on))))
    found: dict[int, dict] = {}
    for row in policies:
        found.setdefault(row["task__number"], {}).update(policies=row["policies"], budget=row["budget"] or 0)
    for row in awards:
        found.setdefault(row["policy__task__number"], {}).update(
            awards=row["awards"], approved=row["approved"] or 0, paid=row["paid"] or 0)
    return found


def plan_board(*, user, year: int, on: datetime.date) -> list[BoardRow]:
    """The board of the plan for a year, as of a date: one row per task (by number) with its figures and funds."""
    scope = BoardScope(user=user, as_of=on)
    support = task_support(user=user, year=year, on=on)
    rows = []
    for task in PlanTask.objects.restrict(user, VIEW).filter(plan=PLAN_2022_2025).order_by("number"):
        row = BoardRow(task=task, **{key: Decimal(value) if key in ("budget", "approved", "paid") else value
                                     for key, value in support.get(task.number, {}).items()})
        for item in task_indicators(task.number):
            row.figures.append(Figure(indicator=item, value=Decimal(item.compute(year, scope) or 0),
                                      records_url=item.records_url(year, on) if item.records_url else None,
                                      page_url=item.page_url(year, on) if item.page_url else None))
        rows.append(row)
    return rows
