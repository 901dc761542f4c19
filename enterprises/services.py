"""Writes of the enterprises app: tenancies, and annual filings through their review.

Each rule of a write is one function or constant here, which the API (through these services) and the table
import (enterprises.imports, which writes in bulk) both call: the tenancy's unit dates (`tenancy_check_unit`,
`tenancy_open_unit`), a year already filed (`filing_year_taken`), what a submission needs
(`filing_submission_errors`, `filing_stamp_submitted`) and an unknown credit code (`NO_SUCH_CREDIT_CODE`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parks.models import Unit

from .choices import EDITABLE_FILING_STATUSES, OPEN_FILING_STATUSES, FilingStatus
from .models import AnnualFiling, Enterprise, Tenancy, overlap_message, overlap_named
from .models.enterprise import OVERLAP_CODE
from .notices import filing_reviewed
from .register_selectors import FINANCING_FIGURES, IP_FIGURES, STANDARD_FIGURES, register_figures

OVERLAP_CONSTRAINT = "tenancy_unit_no_overlap"
# A tenant named by a credit code no enterprise has.
NO_SUCH_CREDIT_CODE = gettext_lazy("No enterprise has this credit code.")


def tenancy_save(*, tenancy: Tenancy, user) -> Tenancy:
    """Validate and save a tenancy for a user; a unit already let over its dates is a field error on the start
    date, naming the tenancy in the way only if the user may see it (`overlap_message`).

    The model check catches the ordinary case; the exclusion constraint catches the race in which two
    requests pass the check at once: the unit's row is locked first (`tenancy_lock_units`), so the second waits
    for the first to commit, then fails here.
    """
    try:
        tenancy.full_clean()
    except ValidationError as error:
        raise overlap_named(error, tenancy=tenancy, user=user) from error
    try:
        with transaction.atomic():
            tenancy_lock_units(unit_ids=[tenancy.unit_id])
            tenancy_check_unit(tenancy=tenancy)
            tenancy_open_unit(unit=tenancy.unit, day=tenancy.start)
            tenancy.save()
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != OVERLAP_CONSTRAINT:
            raise
        clash = tenancy.overlapping().first()
        raise ValidationError({"start": [overlap_message(clash, user=user)]}, code=OVERLAP_CODE) from error
    return tenancy


def tenancy_lock_units(*, unit_ids) -> None:
    """Lock the units' rows until the transaction ends (in id order), before their tenancies are written: writes of
    one unit then queue (FOR NO KEY UPDATE: a foreign key's check of the unit still passes). Without it, two
    transactions inserting overlapping tenancies at the same moment may each find the other's row while the
    exclusion constraint is checked and wait for each other: PostgreSQL then breaks the deadlock by cancelling
    one (an error, not the overlap's field message)."""
    ids = sorted(set(unit_ids))
    if ids:
        list(Unit.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True)
             .values_list("pk", flat=True))


def tenancy_check_unit(*, tenancy: Tenancy) -> None:
    """Refuse (on `end`) a tenancy running past the day its unit closed."""
    unit = tenancy.unit
    if unit.closed_on is not None and (tenancy.end is None or tenancy.end > unit.closed_on):
        raise ValidationError({"end": [_("The unit closed on %(date)s: the tenancy must end by then.") % {
            "date": unit.closed_on}]})


def tenancy_open_unit(*, unit, day) -> None:
    """A unit let from a day was leasable by then, and its park existed: their opening dates move back to it (the
    park's read only when the unit's moves: a unit never opens before its park)."""
    if unit.opened_on is None or unit.opened_on <= day:
        return
    for place in (unit.park, unit):
        if place.opened_on is not None and place.opened_on > day:
            place.opened_on = day
            place.save(update_fields=["opened_on"])


# --- annual filings ------------------------------------------------------------------------------------------
def _refuse(field: str, message) -> None:
    """Raise a field-level validation error."""
    raise ValidationError({field: [message]})


def _require_status(filing: AnnualFiling, allowed, message) -> None:
    """Refuse a step the filing's status does not allow."""
    if filing.status not in allowed:
        _refuse("status", message)


def _locked(filing: AnnualFiling) -> AnnualFiling:
    """The filing's row, locked until the end of the transaction and read fresh (a concurrent step waits), with its
    enterprise (read in the same query, not locked), which each review step asks for."""
    return AnnualFiling.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=filing.pk)


def _save(filing: AnnualFiling) -> AnnualFiling:
    """Validate and save a filing inside its own savepoint."""
    filing.full_clean()
    with transaction.atomic():
        filing.save()
    return filing


def filing_create(*, enterprise: Enterprise, year: int, figures: dict, user) -> AnnualFiling:
    """Start a draft filing for a year, its IP, standards and financing figures prefilled from the enterprise's
    registers (the records the acting user sees) where none of a group is given (`filing_prefill`); a year already
    filed is corrected by revising it, not filed again."""
    existing = AnnualFiling.objects.filter(enterprise=enterprise, year=year).exclude(
        status=FilingStatus.SUPERSEDED).order_by("-revision").first()
    if existing is not None:
        _refuse("year", filing_year_taken(existing=existing))
    return _save(AnnualFiling(enterprise=enterprise, year=year, **filing_prefill(
        enterprise=enterprise, year=year, figures=figures, user=user)))


def filing_prefill(*, enterprise: Enterprise, year: int, figures: dict, user) -> dict:
    """The figures of a new filing: those given, and of each group (IP counts, standards, equity financing) of which
    none is given, the registers' figures for the year over the records the acting user sees (a group is taken
    whole, so its parts stay within it)."""
    given = {name for name, value in figures.items() if value is not None}
    offered = register_figures(user=user, enterprise_id=enterprise.pk, year=year).figures
    prefilled = {}
    for group in (IP_FIGURES, STANDARD_FIGURES, FINANCING_FIGURES):
        if not given.intersection(group):
            prefilled.update({name: offered[name] for name in group if name in offered})
    return {**prefilled, **figures}


def filing_year_taken(*, existing: AnnualFiling) -> str:
    """Why a year with this current filing takes no new one: revise it if approved, wait for its review if
    submitted, change it if open."""
    if existing.status == FilingStatus.APPROVED:
        message = _("This year is already approved (filing %(id)s): revise that filing to correct it.")
    elif existing.status == FilingStatus.SUBMITTED:
        message = _("Filing %(id)s of this year awaits its review; its figures change only once it is returned.")
    else:
        message = _("This year already has an open filing (filing %(id)s).")
    return message % {"id": existing.pk}


def filing_submission_errors(*, filing: AnnualFiling) -> dict:
    """The figures a filing still lacks for its submission, each with its message (empty: it may be submitted)."""
    return {name: [_("Required before submission.")] for name in filing.missing_for_submission()}


@transaction.atomic
def filing_update(*, filing: AnnualFiling, figures: dict) -> AnnualFiling:
    """Change a draft's or a returned filing's figures (a submitted one waits for its review; approved is frozen)."""
    filing = _locked(filing)
    _require_status(filing, EDITABLE_FILING_STATUSES, _(
        "Only a draft or a returned filing can be changed; an approved filing is corrected by a new revision."))
    changed = {name: value for name, value in figures.items() if getattr(filing, name) != value}
    if not changed:  # saved unchanged: nothing written, no history entry
        return filing
    for name, value in changed.items():
        setattr(filing, name, value)
    return _save(filing)


@transaction.atomic
def filing_submit(*, filing: AnnualFiling, user) -> AnnualFiling:
    """Submit a draft or returned filing for review, recording the enterprise's park and district now."""
    filing = _locked(filing)
    _require_status(
        filing, EDITABLE_FILING_STATUSES, _("Only a draft or a returned filing can be submitted."),
    )
    missing = filing_submission_errors(filing=filing)
    if missing:
        raise ValidationError(missing)
    filing_stamp_submitted(filing=filing, enterprise=filing.enterprise, user=user, now=timezone.now())
    return _save(filing)


# Fields a submission sets (filing_stamp_submitted).
SUBMISSION_FIELDS = ("park", "district", "status", "submitted_at", "submitted_by", "return_reason")


def filing_stamp_submitted(*, filing: AnnualFiling, enterprise: Enterprise, user, now) -> None:
    """Mark a filing submitted now by the user, with the enterprise's park and district (its reviewer); unsaved."""
    filing.park_id, filing.district_id = enterprise.park_id, enterprise.district_id
    filing.status, filing.submitted_at, filing.submitted_by = FilingStatus.SUBMITTED, now, user
    filing.return_reason = ""


def _check_reviewer(filing: AnnualFiling, user) -> None:
    """Nobody reviews a filing of an enterprise they are a user of."""
    if filing.enterprise.memberships.filter(user=user).exists():
        raise PermissionDenied(_("You may not review a filing of your own enterprise."))


@transaction.atomic
def filing_approve(*, filing: AnnualFiling, user) -> AnnualFiling:
    """Approve a submitted filing: its figures freeze and it supersedes the year's previously approved revision."""
    filing = _locked(filing)
    _require_status(filing, (FilingStatus.SUBMITTED,), _("Only a submitted filing can be approved."))
    _check_reviewer(filing, user)
    for previous in AnnualFiling.objects.select_for_update().filter(
            enterprise_id=filing.enterprise_id, year=filing.year, status=FilingStatus.APPROVED):
        previous.status = FilingStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated"])
    filing.status, filing.reviewed_at, filing.reviewed_by = FilingStatus.APPROVED, timezone.now(), user
    filing = _save(filing)
    filing_reviewed(filing)  # the enterprise's users: inbox, and mail after the commit
    return filing


@transaction.atomic
def filing_return(*, filing: AnnualFiling, user, reason: str) -> AnnualFiling:
    """Return a submitted filing to the enterprise with the reason, for correction and resubmission."""
    filing = _locked(filing)
    _require_status(filing, (FilingStatus.SUBMITTED,), _("Only a submitted filing can be returned."))
    _check_reviewer(filing, user)
    if not reason.strip():
        _refuse("reason", _("State the reason for returning the filing."))
    filing.status, filing.reviewed_at, filing.reviewed_by = FilingStatus.RETURNED, timezone.now(), user
    filing.return_reason = reason.strip()
    filing = _save(filing)
    filing_reviewed(filing)  # the enterprise's users: inbox, and mail after the commit
    return filing


@transaction.atomic
def filing_revise(*, filing: AnnualFiling) -> AnnualFiling:
    """Open a correction of an approved filing: a new draft revision with the same figures, reviewed again."""
    filing = _locked(filing)
    _require_status(filing, (FilingStatus.APPROVED,), _("Only an approved filing is revised; change a draft directly."))
    open_revision = AnnualFiling.objects.filter(
        enterprise_id=filing.enterprise_id, year=filing.year, status__in=OPEN_FILING_STATUSES).first()
    if open_revision is not None:
        _refuse("status", _("A revision of this filing is already open (filing %(id)s).") % {"id": open_revision.pk})
    revision = AnnualFiling(
        enterprise_id=filing.enterprise_id, year=filing.year, revision=filing.revision + 1, **filing.figures(),
    )
    return _save(revision)


@transaction.atomic
def filing_delete(*, filing: AnnualFiling) -> None:
    """Delete a draft that was never submitted (submitted, returned and approved filings stay on record)."""
    filing = _locked(filing)
    _require_status(filing, (FilingStatus.DRAFT,), _("Only a draft can be deleted."))
    if filing.submitted_at is not None:
        _refuse("status", _("Only a draft can be deleted."))
    filing.delete()
