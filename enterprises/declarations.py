"""Writes of the declaration process: the bureau's rounds, and a declaration from draft to designation.

Each step is one function here, which the API, the pages and the scheduled jobs call alike; it locks the
declaration, checks that its status allows the step (`MOVES`) and that the user's role may take it, writes the
step (who, when, why) and the new status in one transaction, or nothing. The process, with its sources, is in
docs/declarations.md.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from access.scoping import CHANGE, REVIEW, in_scope, user_scope

from .choices import (
    EDITABLE_DECLARATION_STATUSES,
    DeclarationAction,
    DeclarationKind,
    DeclarationStatus,
    DesignationStatus,
    FilingStatus,
)
from .models import AnnualFiling, Declaration, DeclarationRound, DeclarationStep, Enterprise, Objection, TierDesignation
from .notices import CLOSED, OPENED, declaration_stepped, publicity_event, round_notices_queue

ENTERPRISE, DISTRICT, BUREAU = "enterprise", "district", "bureau"
# The questions a declaration answers beside its figures (the declaration form's own), all required to submit.
QUESTIONS = ("main_product", "market_position", "innovation")


@dataclass(frozen=True)
class Move:
    """A step of the process: the statuses it leaves, the status it reaches, and whose step it is."""

    sources: tuple[str, ...]
    target: str
    who: str


S = DeclarationStatus
MOVES = {
    DeclarationAction.SUBMIT: Move((S.DRAFT, S.RETURNED), S.DISTRICT_REVIEW, ENTERPRISE),
    DeclarationAction.RECOMMEND: Move((S.DISTRICT_REVIEW,), S.CITY_REVIEW, DISTRICT),
    DeclarationAction.APPROVE: Move((S.CITY_REVIEW,), S.PUBLICITY, BUREAU),
    DeclarationAction.OBJECTION_UPHELD: Move((S.PUBLICITY,), S.WITHDRAWN, BUREAU),
    DeclarationAction.DESIGNATE: Move((S.PUBLICITY,), S.DESIGNATED, BUREAU),
}
# Return and reject are the reviewer's at either review: the district's in district review, the bureau's in city
# review.
REVIEWS = {S.DISTRICT_REVIEW: DISTRICT, S.CITY_REVIEW: BUREAU}


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def _bureau_only(user) -> None:
    if not user_scope(user).bureau:
        raise PermissionDenied(_("Only bureau staff may do this."))


def _may(user, declaration: Declaration, who: str) -> None:
    """Refuse a step the user's role may not take on this declaration (a scheduled job, user None, may all)."""
    if user is None or user_scope(user).bureau:
        return
    allowed = {ENTERPRISE: lambda: in_scope(user=user, record=declaration, action=CHANGE),
               DISTRICT: lambda: in_scope(user=user, record=declaration, action=REVIEW),
               BUREAU: lambda: False}[who]()
    if not allowed:
        raise PermissionDenied({ENTERPRISE: _("Only the enterprise's users may do this."),
                                DISTRICT: _("Only the staff of the declaration's district may do this."),
                                BUREAU: _("Only bureau staff may do this.")}[who])


def _locked(declaration: Declaration) -> Declaration:
    """The declaration's row, locked to the end of the transaction and read fresh (a concurrent step waits)."""
    return Declaration.objects.select_for_update().select_related("round", "enterprise").get(pk=declaration.pk)


def _step(declaration: Declaration, *, action: str, target: str, user, reason: str = "") -> Declaration:
    """Move a locked declaration to `target`, recording the step; saved."""
    DeclarationStep.objects.create(declaration=declaration, action=action, from_status=declaration.status,
                                   to_status=target, actor=user, reason=reason)
    declaration.status = target
    declaration.full_clean()
    declaration.save()
    declaration_stepped(declaration, action=action, reason=reason)  # the enterprise; the next reviewer
    return declaration


def _move(declaration: Declaration, *, action: str, user, reason: str = "") -> tuple[Declaration, Move]:
    """Lock the declaration and check the step: allowed from its status, and the user's to take."""
    declaration = _locked(declaration)
    move = MOVES[action]
    if declaration.status not in move.sources:
        _refuse("status", _("A declaration %(status)s cannot be %(action)s.") % {
            "status": declaration.get_status_display().lower(), "action": DeclarationAction(action).label.lower()})
    _may(user, declaration, move.who)
    return declaration, move


# --- rounds ---------------------------------------------------------------------------------------------------
def round_open(*, user, **fields) -> DeclarationRound:
    """Open a declaration round (bureau staff): its tier, rule set, cadence, window, review and publicity dates."""
    _bureau_only(user)
    declaration_round = DeclarationRound(**fields)
    declaration_round.full_clean()
    declaration_round.save()
    round_notices_queue(declaration_round, event=OPENED)  # by a task, after the commit
    return declaration_round


@transaction.atomic
def round_close(*, user, declaration_round: DeclarationRound) -> DeclarationRound:
    """Close a round's window before its last day (bureau staff): no declaration is taken or submitted after."""
    _bureau_only(user)
    declaration_round = DeclarationRound.objects.select_for_update().get(pk=declaration_round.pk)
    if not declaration_round.is_open():
        _refuse("closes", _("The round's window is not open."))
    declaration_round.closed_at = timezone.now()
    declaration_round.save()
    round_notices_queue(declaration_round, event=CLOSED)
    return declaration_round


def round_update(*, user, declaration_round: DeclarationRound, **fields) -> DeclarationRound:
    """Change a round (bureau staff); when its publicity dates are set or moved, the list is announced to the
    enterprises on it and their districts' staff (not again for dates unchanged)."""
    _bureau_only(user)
    fields = {name: value for name, value in fields.items() if getattr(declaration_round, name) != value}
    if not fields:  # saved unchanged: nothing written, no history entry
        return declaration_round
    before = (declaration_round.publicity_starts, declaration_round.publicity_ends)
    for name, value in fields.items():
        setattr(declaration_round, name, value)
    declaration_round.full_clean()
    declaration_round.save()
    after = (declaration_round.publicity_starts, declaration_round.publicity_ends)
    if after != before and None not in after and declaration_round.declarations.filter(
            status=DeclarationStatus.PUBLICITY).exists():
        round_notices_queue(declaration_round, event=publicity_event(declaration_round))
    return declaration_round


def round_set_publicity(*, user, declaration_round: DeclarationRound, starts: datetime.date,
                        ends: datetime.date) -> DeclarationRound:
    """Set the publicity period of a round's list (bureau staff)."""
    return round_update(user=user, declaration_round=declaration_round, publicity_starts=starts, publicity_ends=ends)


# --- the enterprise's steps ------------------------------------------------------------------------------------
def _check_filing(filing: AnnualFiling | None, enterprise: Enterprise) -> None:
    if filing is not None and (filing.enterprise_id != enterprise.pk or filing.status != FilingStatus.APPROVED):
        _refuse("filing", _("Choose an approved filing of this enterprise."))


def declaration_create(*, user, declaration_round: DeclarationRound, enterprise: Enterprise,
                       filing: AnnualFiling | None = None, answers: dict | None = None,
                       kind: str = DeclarationKind.NEW) -> Declaration:
    """Start a declaration (a draft) of an enterprise in an open round, from one of its approved filings; a
    scheduled job (user None) opens re-reviews the same way."""
    if user is not None and not user_scope(user).bureau and not in_scope(user=user, record=enterprise,
                                                                         action=CHANGE):
        raise PermissionDenied(_("Only the enterprise's users may do this."))
    if not declaration_round.is_open():
        _refuse("round", _("This round is not taking declarations."))
    _check_filing(filing, enterprise)
    declaration = Declaration(round=declaration_round, enterprise=enterprise, district_id=enterprise.district_id,
                              filing=filing, answers=_answers(answers or {}), kind=kind)
    declaration.full_clean()
    declaration.save()
    return declaration


def _answers(answers: dict) -> dict:
    """The declaration's answers, only its own questions, as text."""
    unknown = set(answers) - set(QUESTIONS)
    if unknown:
        _refuse("answers", _("Unknown questions: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    return {name: str(value).strip() for name, value in answers.items()}


@transaction.atomic
def declaration_update(*, user, declaration: Declaration, filing: AnnualFiling | None = None,
                       answers: dict | None = None) -> Declaration:
    """Change a draft or returned declaration's filing or answers; a change undoes the signed commitment, and
    values equal to the declaration's are no change (nothing written, no history entry, the signature kept)."""
    declaration = _locked(declaration)
    _may(user, declaration, ENTERPRISE)
    if filing is not None and filing.pk == declaration.filing_id:
        filing = None
    if answers is not None and {**declaration.answers, **_answers(answers)} == declaration.answers:
        answers = None
    if filing is None and answers is None:
        return declaration
    if declaration.status not in EDITABLE_DECLARATION_STATUSES:
        _refuse("status", _("Only a draft or returned declaration can be changed."))
    if filing is not None:
        _check_filing(filing, declaration.enterprise)
        declaration.filing = filing
    if answers is not None:
        declaration.answers = {**declaration.answers, **_answers(answers)}
    declaration.commitment_signed_by = declaration.commitment_signed_at = None
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def declaration_sign(*, user, declaration: Declaration) -> Declaration:
    """Sign the declaration's commitment (承诺书) as one of the enterprise's users."""
    declaration = _locked(declaration)
    if user is None or user_scope(user).bureau or not in_scope(user=user, record=declaration, action=CHANGE):
        raise PermissionDenied(_("Only the enterprise's users may do this."))
    if declaration.status not in EDITABLE_DECLARATION_STATUSES:
        _refuse("status", _("Only a draft or returned declaration can be signed."))
    declaration.commitment_signed_by, declaration.commitment_signed_at = user, timezone.now()
    declaration.save()
    return declaration


def declaration_submission_errors(declaration: Declaration) -> dict[str, list[str]]:
    """What a declaration lacks to be submitted, by field: an approved filing, every answer, the commitment."""
    errors = {}
    if declaration.filing_id is None:
        errors["filing"] = [_("Choose the approved filing the declaration rests on.")]
    missing = [name for name in QUESTIONS if not declaration.answers.get(name)]
    if missing:
        errors["answers"] = [_("Answer every question: %(names)s.") % {"names": ", ".join(missing)}]
    if declaration.commitment_signed_at is None:
        errors["commitment"] = [_("Sign the commitment before submitting.")]
    return errors


@transaction.atomic
def declaration_submit(*, user, declaration: Declaration) -> Declaration:
    """Submit a draft (in the round's window) or a returned declaration (until publicity) to its district."""
    declaration, move = _move(declaration, action=DeclarationAction.SUBMIT, user=user)
    if declaration.status == S.DRAFT and not declaration.round.is_open():
        _refuse("round", _("This round is not taking declarations."))
    errors = declaration_submission_errors(declaration)
    if errors:
        raise ValidationError(errors)
    declaration.submitted_at = timezone.now()
    return _step(declaration, action=DeclarationAction.SUBMIT, target=move.target, user=user)


# --- review ----------------------------------------------------------------------------------------------------
@transaction.atomic
def declaration_recommend(*, user, declaration: Declaration, reason: str = "") -> Declaration:
    """The district recommends a declaration to the city."""
    declaration, move = _move(declaration, action=DeclarationAction.RECOMMEND, user=user)
    return _step(declaration, action=DeclarationAction.RECOMMEND, target=move.target, user=user, reason=reason)


def _reviewed(declaration: Declaration, *, user, action: str, target: str, reason: str) -> Declaration:
    """Return or reject at the review the declaration is in, by that review's reviewer, with the reason."""
    declaration = _locked(declaration)
    who = REVIEWS.get(declaration.status)
    if who is None:
        _refuse("status", _("A declaration %(status)s cannot be %(action)s.") % {
            "status": declaration.get_status_display().lower(), "action": DeclarationAction(action).label.lower()})
    _may(user, declaration, who)
    if not reason.strip():
        _refuse("reason", _("State the reason."))
    return _step(declaration, action=action, target=target, user=user, reason=reason.strip())


@transaction.atomic
def declaration_return(*, user, declaration: Declaration, reason: str) -> Declaration:
    """Return a declaration under review to the enterprise, with the reason, for changes and resubmission."""
    return _reviewed(declaration, user=user, action=DeclarationAction.RETURN, target=S.RETURNED, reason=reason)


@transaction.atomic
def declaration_reject(*, user, declaration: Declaration, reason: str) -> Declaration:
    """Reject a declaration under review, with the reason (final)."""
    return _reviewed(declaration, user=user, action=DeclarationAction.REJECT, target=S.REJECTED, reason=reason)


@transaction.atomic
def declaration_approve(*, user, declaration: Declaration, score: Decimal, opinion: str = "") -> Declaration:
    """The city approves a declaration after expert review (its score, 0-100, and opinion), to the publicity list."""
    declaration, move = _move(declaration, action=DeclarationAction.APPROVE, user=user)
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(100):
        _refuse("score", _("Give the expert score, from 0 to 100."))
    declaration.city_score, declaration.city_opinion = Decimal(score), opinion.strip()
    return _step(declaration, action=DeclarationAction.APPROVE, target=move.target, user=user, reason=opinion)


# --- publicity and designation -------------------------------------------------------------------------------
def objection_record(*, user, declaration: Declaration, received_on: datetime.date, objector: str,
                     text: str) -> Objection:
    """Record a written, signed objection received during the declaration's publicity (bureau staff)."""
    _bureau_only(user)
    if declaration.status != S.PUBLICITY:
        _refuse("declaration", _("Objections are taken only while the declaration is in publicity."))
    objection = Objection(declaration=declaration, received_on=received_on, objector=objector, text=text)
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def objection_decide(*, user, objection: Objection, upheld: bool, reason: str) -> Objection:
    """Decide an objection (bureau staff), with the reason: an upheld one withdraws the declaration."""
    _bureau_only(user)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.upheld is not None:
        _refuse("upheld", _("This objection is already decided."))
    if not reason.strip():
        _refuse("reason", _("State the reason."))
    objection.upheld, objection.decision_reason = upheld, reason.strip()
    objection.decided_by, objection.decided_at = user, timezone.now()
    objection.save()
    if upheld:
        declaration, move = _move(objection.declaration, action=DeclarationAction.OBJECTION_UPHELD, user=user)
        _step(declaration, action=DeclarationAction.OBJECTION_UPHELD, target=move.target, user=user,
              reason=reason.strip())
    return objection


@transaction.atomic
def declaration_designate(*, user, declaration: Declaration, certificate_number: str,
                          granted_on: datetime.date | None = None) -> Declaration:
    """Designate the enterprise after publicity ended with no objection open: the designation is written from the
    declaration (tier, round as batch, certificate number, three years' validity), all or nothing."""
    declaration, move = _move(declaration, action=DeclarationAction.DESIGNATE, user=user)
    today = timezone.localdate()
    declaration_round = declaration.round
    if declaration_round.publicity_ends is None or declaration_round.publicity_ends >= today:
        _refuse("status", _("The declaration is designated after its publicity has ended."))
    if declaration.objections.filter(upheld__isnull=True).exists():
        _refuse("status", _("Decide the objections to this declaration first."))
    if not certificate_number.strip():
        _refuse("certificate_number", _("Give the certificate number."))
    granted_on = granted_on or today
    designation = TierDesignation(enterprise=declaration.enterprise, tier=declaration_round.tier,
                                  year=granted_on.year, batch=declaration_round.name,
                                  certificate_number=certificate_number.strip(), granted_on=granted_on)
    designation.full_clean()
    designation.save()
    declaration.designation = designation
    return _step(declaration, action=DeclarationAction.DESIGNATE, target=move.target, user=user)


# --- re-review (scheduled) --------------------------------------------------------------------------------------
def designations_open_re_reviews(*, today: datetime.date | None = None) -> list[Declaration]:
    """Open a re-review declaration (a draft) for each designation due for re-review, in the open round of its tier,
    once: a designation that has one since it fell due gets no second."""
    today = today or timezone.localdate()
    opened = []
    rounds = {r.tier: r for r in DeclarationRound.objects.filter(closed_at__isnull=True, opens__lte=today,
                                                                 closes__gte=today).order_by("opens")}
    for designation in (TierDesignation.objects.with_status(today).filter(status=DesignationStatus.DUE)
                        .select_related("enterprise")):
        declaration_round = rounds.get(designation.tier)
        if declaration_round is None or Declaration.objects.filter(
                enterprise=designation.enterprise, round__tier=designation.tier, kind=DeclarationKind.RE_REVIEW,
                created__date__gte=designation.due_from).exists():
            continue
        if Declaration.objects.filter(round=declaration_round, enterprise=designation.enterprise).exists():
            continue
        opened.append(declaration_create(user=None, declaration_round=declaration_round,
                                         enterprise=designation.enterprise, kind=DeclarationKind.RE_REVIEW))
    return opened


def designations_revoke_lapsed(*, today: datetime.date | None = None) -> int:
    """Revoke, on the day after its last valid day, each designation whose re-review failed or was not filed by
    then (no re-review of its tier designated since it fell due) although a round of its tier was open while it was
    due; how many were revoked. One that no round could re-review simply expires."""
    today = today or timezone.localdate()
    could_file = DeclarationRound.objects.filter(tier=OuterRef("tier"), opens__lte=OuterRef("valid_until"),
                                                 closes__gte=OuterRef("due_from"))
    lapsed = TierDesignation.objects.filter(Exists(could_file), valid_until__lt=today, revoked_on__isnull=True)
    revoked = 0
    for designation in lapsed.select_related("enterprise"):
        renewed = Declaration.objects.filter(
            enterprise=designation.enterprise, round__tier=designation.tier, kind=DeclarationKind.RE_REVIEW,
            status=S.DESIGNATED, created__date__gte=designation.due_from).exists()
        if renewed:
            continue
        designation.revoked_on = designation.valid_until + datetime.timedelta(days=1)
        designation.revoke_reason = _("The re-review failed or was not filed by the expiry.")
        designation._change_reason = "re-review lapsed"
        designation.save(update_fields=["revoked_on", "revoke_reason"])
        revoked += 1
    return revoked
