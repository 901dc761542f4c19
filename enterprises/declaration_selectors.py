"""Reads of the declaration screens: the rounds an enterprise may declare in, its declarations, the review queues of
district staff and the bureau, a declaration's assessment under its round's rule set, and the public publicity list.

Every read of a user's records goes through `restrict(user, action)`; the publicity list is public by the process's
rule (docs/declarations.md) and reads only declarations in publicity today (docs/screens-declarations.md).
"""

from django.db.models import Prefetch
from django.utils import timezone

from access.scoping import CHANGE, REVIEW, VIEW, input_choices, user_scope

from .choices import DeclarationStatus, FilingStatus
from .models import AnnualFiling, Declaration, DeclarationRound, DeclarationStep, Enterprise, TierDesignation
from .review_selectors import assessment_rows, figure_comparison
from .selectors import tier_reference_date
from .tiers import assess, get_rule_set

S = DeclarationStatus
DECLARATION_RELATED = ("round", "enterprise", "district", "filing", "commitment_signed_by", "designation")


def _with_steps(queryset):
    """Declarations with what their pages show: round, enterprise, filing, signer, and their steps with actors."""
    return queryset.select_related(*DECLARATION_RELATED).prefetch_related(
        Prefetch("steps", queryset=DeclarationStep.objects.select_related("actor").order_by("at", "pk")))


def declaring_enterprises(*, user):
    """The enterprises the user may declare for: their own (a member of it, and in their scope to change)."""
    own = Enterprise.objects.filter(pk__in=user_scope(user).enterprises).order_by("name")
    return input_choices(user=user, queryset=own, action=CHANGE)


def approved_filings(*, user, enterprise=None):
    """The approved filings a declaration may rest on, newest year first (of one enterprise, if given)."""
    filings = input_choices(user=user, queryset=AnnualFiling.objects.filter(status=FilingStatus.APPROVED)
                            .select_related("enterprise").order_by("-year", "-revision"))
    return filings.filter(enterprise=enterprise) if enterprise is not None else filings


def open_rounds():
    """The rounds taking declarations today, the soonest closing first."""
    today = timezone.localdate()
    return DeclarationRound.objects.filter(closed_at__isnull=True, opens__lte=today, closes__gte=today) \
        .order_by("closes", "name")


def my_declarations(*, user):
    """The declarations of the user's own enterprises, newest round first, with their steps."""
    enterprises = user_scope(user).enterprises
    return _with_steps(Declaration.objects.restrict(user, CHANGE).filter(enterprise_id__in=enterprises)) \
        .order_by("-round__opens", "enterprise__name")


def my_declaration(*, user, pk: int) -> Declaration:
    """One of the user's own enterprises' declarations (DoesNotExist outside their scope)."""
    return _with_steps(Declaration.objects.restrict(user, CHANGE)).get(pk=pk)


def review_statuses(*, user) -> tuple[str, ...]:
    """The statuses the user's queue holds: city review for the bureau, district review for district staff."""
    return (S.CITY_REVIEW,) if user_scope(user).bureau else (S.DISTRICT_REVIEW,)


def review_queue(*, user):
    """The declarations awaiting the user's review, oldest submission first."""
    return (Declaration.objects.restrict(user, REVIEW).filter(status__in=review_statuses(user=user))
            .select_related("round", "enterprise", "district").order_by("submitted_at", "pk"))


def reviewed_declaration(*, user, pk: int) -> Declaration:
    """A declaration the user may review (DoesNotExist outside their scope)."""
    return _with_steps(Declaration.objects.restrict(user, REVIEW)).get(pk=pk)


def printable_declaration(*, user, pk: int) -> Declaration:
    """A declaration the user may print (申报书): any in their VIEW scope, the scope of its detail — its enterprise's
    users, its park's administrators, its district's staff, the bureau — for the page and the API alike
    (DoesNotExist outside it)."""
    return _with_steps(Declaration.objects.restrict(user, VIEW)).select_related("enterprise__park").get(pk=pk)


def declaration_assessment(*, declaration: Declaration, filing: AnnualFiling | None = None, user):
    """The enterprise's tiers on the chosen filing's figures under the ROUND's rule set (not the year's), with the
    tiers it holds on the filing year's reference date among the designations the user may see."""
    filing = filing or declaration.filing
    rule_set = get_rule_set(declaration.round.rule_set)
    if filing is None:
        return assess(figures=None, held=(), year=None, rule_set=rule_set)
    held = set(TierDesignation.objects.held_on(tier_reference_date(filing.year))
               .filter(enterprise_id=declaration.enterprise_id).restrict(user, VIEW).values_list("tier", flat=True))
    return assess(figures=filing.figures(), held=held, year=filing.year, rule_set=rule_set)


def declared_tier_rows(assessment, tier: str) -> list[tuple]:
    """The declared tier's row of an assessment (state and each criterion met or not), as the review screen prints
    a tier: [(tier result, criterion rows)]."""
    return [(result, rows) for result, rows in assessment_rows(assessment) if result.tier == tier]


def filing_figures(filing: AnnualFiling | None) -> list:
    """The filing's figures as the review screen prints them (no comparison)."""
    return figure_comparison(filing=filing, previous=None) if filing is not None else []


def publicity_rounds():
    """The rounds whose list is in publicity today (the bureau's publicity pages and the public list)."""
    today = timezone.localdate()
    return DeclarationRound.objects.filter(publicity_starts__lte=today, publicity_ends__gte=today)


def publicity_list():
    """The public 拟认定名单: the declarations in publicity whose round's publicity period includes today."""
    return (Declaration.objects.filter(status=S.PUBLICITY, round__in=publicity_rounds())
            .select_related("round", "enterprise", "district")
            .order_by("round__publicity_starts", "round__name", "district__code", "enterprise__name"))


def round_publicity(*, user, declaration_round: DeclarationRound):
    """A round's declarations from publicity on (the bureau's publicity page), with their objections."""
    return (Declaration.objects.restrict(user, REVIEW).filter(round=declaration_round,
                                       status__in=(S.PUBLICITY, S.DESIGNATED, S.WITHDRAWN))
            .select_related("enterprise", "district", "designation").prefetch_related("objections")
            .order_by("district__code", "enterprise__name"))
