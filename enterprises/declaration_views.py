"""The enterprise's declaration pages (申报): the open rounds it may declare in, its declarations with every step,
and one declaration — its filing and answers, its self-assessment under the round's rule set, the commitment to sign
and the submission. Each write calls the one service of enterprises/declarations.py; records are found through
`restrict()` (docs/screens-declarations.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access.scoping import user_scope

from .choices import EDITABLE_DECLARATION_STATUSES, DeclarationAction
from .declaration_forms import DeclarationForm, SignForm, StartForm, add_service_errors
from .declaration_print import declaration_pdf_response
from .declaration_selectors import (
    approved_filings,
    declaration_assessment,
    declared_tier_rows,
    declaring_enterprises,
    filing_figures,
    my_declaration,
    my_declarations,
    open_rounds,
    printable_declaration,
)
from .declarations import QUESTIONS, declaration_create, declaration_sign, declaration_submit, declaration_update
from .evidence_selectors import evidence_panel
from .models import Declaration


@login_required
def declarations_home(request):
    """The 「申报」 link: the review queue for bureau and district staff, the enterprise's declarations otherwise."""
    scope = user_scope(request.user)
    if scope.bureau or scope.districts:
        return redirect("declaration-review-queue")
    if scope.enterprises:
        return redirect("my-declarations")
    raise PermissionDenied(_("Declarations are made by enterprises and reviewed by district and bureau staff."))


def _declarer(request) -> None:
    """Refuse (403) a user who declares for no enterprise."""
    if not user_scope(request.user).enterprises:
        raise PermissionDenied(_("Only the users of an enterprise declare for it."))


def _start_form(request, data=None) -> StartForm:
    """The start form: open rounds, the user's own enterprises and their approved filings."""
    enterprises = declaring_enterprises(user=request.user)
    return StartForm(data, rounds=open_rounds(), enterprises=enterprises,
                     filings=approved_filings(user=request.user).filter(enterprise__in=enterprises))


def _mine(request, start_form=None, status=200):
    """The enterprise's declarations page, with the start form given (bound and refused) or a fresh one."""
    declarations = list(my_declarations(user=request.user))
    for declaration in declarations:
        steps = list(declaration.steps.all())  # prefetched
        declaration.last_step = steps[-1] if steps else None
    declared = {(d.round_id, d.enterprise_id) for d in declarations}
    form = start_form or _start_form(request)
    enterprises = list(form.fields["enterprise"].queryset)
    rounds = [(r, all((r.pk, e.pk) in declared for e in enterprises)) for r in open_rounds()]
    context = {"rounds": rounds, "declarations": declarations, "form": form,
               "has_filings": form.fields["filing"].queryset.exists()}
    return render(request, "enterprises/declarations/mine.html", context, status=status)


@login_required
@require_GET
def my_declarations_page(request):
    """The rounds open today with a form to start a declaration, and the enterprise's declarations with steps."""
    _declarer(request)
    return _mine(request)


@login_required
@require_POST
def declaration_start(request):
    """Start a declaration (a draft) in an open round from one of the enterprise's approved filings."""
    _declarer(request)
    form = _start_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:  # the service refuses another enterprise's filing, a closed round, a second declaration
            declaration = declaration_create(user=request.user, declaration_round=data["round"],
                                             enterprise=data["enterprise"], filing=data["filing"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The declaration is started: answer the questions, check the "
                                        "assessment, sign the commitment and submit."))
            return redirect("my-declaration", pk=declaration.pk)
    return _mine(request, start_form=form, status=400)


def _declaration(request, pk) -> Declaration:
    """One of the user's enterprises' declarations (404 outside their scope)."""
    _declarer(request)
    try:
        return my_declaration(user=request.user, pk=pk)
    except Declaration.DoesNotExist:
        raise Http404 from None


def _page(request, declaration, *, form=None, sign_form=None, status=200):
    """The declaration's page: status, steps, the form (while editable), assessment, commitment, submission."""
    editable = declaration.status in EDITABLE_DECLARATION_STATUSES
    filings = approved_filings(user=request.user, enterprise=declaration.enterprise)
    if form is None:
        initial = {"filing": declaration.filing_id, **{name: declaration.answers.get(name, "") for name in QUESTIONS}}
        form = DeclarationForm(initial=initial, filings=filings)
    assessment = declaration_assessment(declaration=declaration, user=request.user)
    steps = list(declaration.steps.all())
    returns = [step for step in steps if step.action == DeclarationAction.RETURN]
    context = {
        "declaration": declaration, "editable": editable, "form": form, "sign_form": sign_form or SignForm(),
        "assessment": assessment, "tier_rows": declared_tier_rows(assessment, declaration.round.tier),
        "steps": steps, "last_return": returns[-1] if returns and editable else None,
        "answers": [(form.fields[name].label, declaration.answers.get(name, "")) for name in QUESTIONS],
        "figures": filing_figures(declaration.filing),
        # its evidence, changed while the declaration may be (enterprises.evidence decides)
        "evidence_panel": evidence_panel(user=request.user, owner_name="declaration", owner=declaration),
    }
    return render(request, "enterprises/declarations/declaration.html", context, status=status)


@login_required
def declaration_page(request, pk):
    """A declaration of the user's enterprise; POST saves its filing and answers (a change undoes the signature)."""
    declaration = _declaration(request, pk)
    if request.method != "POST":
        return _page(request, declaration)
    filings = approved_filings(user=request.user, enterprise=declaration.enterprise)
    form = DeclarationForm(request.POST, filings=filings)
    if form.is_valid():
        answers = {name: form.cleaned_data[name] for name in QUESTIONS}
        try:
            saved = declaration_update(user=request.user, declaration=declaration,
                                       filing=form.cleaned_data["filing"], answers=answers)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved.commitment_signed_at is None:  # a change undoes the signature; nothing changed keeps it
                messages.success(request, _("The declaration is saved. Sign the commitment again before submitting."))
            else:
                messages.info(request, _("Nothing changed; the signed commitment stands."))
            return redirect("my-declaration", pk=declaration.pk)
    return _page(request, declaration, form=form, status=400)


@login_required
@require_GET
def declaration_pdf_page(request, pk):
    """The printable declaration (申报书) as a PDF, in the scope of the declaration's detail as the API's (its
    enterprise's users, its park's administrators, its district's staff, the bureau; 404 outside it)."""
    try:
        declaration = printable_declaration(user=request.user, pk=pk)
    except Declaration.DoesNotExist:
        raise Http404 from None
    return declaration_pdf_response(user=request.user, declaration=declaration)


@login_required
@require_GET
def declaration_assessment_part(request, pk):
    """The self-assessment under the round's rule set on the filing chosen in the form (htmx, before saving)."""
    declaration = _declaration(request, pk)
    filing = approved_filings(user=request.user, enterprise=declaration.enterprise) \
        .filter(pk=request.GET.get("filing") or 0).first() or declaration.filing
    assessment = declaration_assessment(declaration=declaration, filing=filing, user=request.user)
    context = {"declaration": declaration, "assessment": assessment, "filing": filing,
               "tier_rows": declared_tier_rows(assessment, declaration.round.tier)}
    return render(request, "enterprises/declarations/_assessment.html", context)


def _refused(request, error) -> None:
    """A service's refusal (a step its status does not allow, what a submission lacks) as messages."""
    for text in error.messages:
        messages.error(request, text)


@login_required
@require_POST
def declaration_sign_page(request, pk):
    """Sign the commitment (承诺书): the box ticked, as one of the enterprise's users."""
    declaration = _declaration(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _page(request, declaration, sign_form=form, status=400)
    try:
        declaration_sign(user=request.user, declaration=declaration)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The commitment is signed."))
    return redirect("my-declaration", pk=declaration.pk)


@login_required
@require_POST
def declaration_submit_page(request, pk):
    """Submit the declaration to its district (what it lacks is shown as messages, and nothing changes)."""
    declaration = _declaration(request, pk)
    try:
        declaration_submit(user=request.user, declaration=declaration)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The declaration is submitted to the district for review."))
    return redirect("my-declaration", pk=declaration.pk)
