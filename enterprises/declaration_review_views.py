"""The reviewers' declaration pages: the queue (district staff: their district's declarations in district review;
the bureau: all in city review), a declaration with its filing's figures, its assessment under the round's rule set,
answers and steps, and each step confirmed (a <dialog>, or its own page without JavaScript); the bureau's rounds
and publicity pages (dates, objections, designation); and the public publicity list (拟认定名单). Every step calls
its one service in enterprises/declarations.py (docs/screens-declarations.md)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.scoping import CHANGE, REVIEW, VIEW, grants, user_scope

from . import declarations as services
from .choices import DeclarationStatus
from .declaration_forms import (
    ApproveForm,
    ConfirmForm,
    DecisionForm,
    DeclarationForm,
    DesignateForm,
    ObjectionForm,
    PublicityForm,
    ReasonForm,
    RoundForm,
    add_service_errors,
)
from .declaration_selectors import (
    declaration_assessment,
    declared_tier_rows,
    filing_figures,
    publicity_list,
    review_queue,
    reviewed_declaration,
    round_publicity,
)
from .declarations import QUESTIONS
from .evidence_selectors import evidence_panel
from .models import Declaration, DeclarationRound, Objection

S = DeclarationStatus


@dataclass(frozen=True)
class Step:
    """A reviewer's step on the screens: its form, the service it calls, its labels and where it leads after."""

    form: type
    label: str
    question: str
    done: str
    danger: bool = False

    def call(self, name, *, user, declaration, data):
        """Take the step through its service."""
        if name == "approve":
            return services.declaration_approve(user=user, declaration=declaration, score=data["score"],
                                                opinion=data["opinion"])
        if name == "designate":
            return services.declaration_designate(user=user, declaration=declaration,
                                                  certificate_number=data["certificate_number"])
        service = {"recommend": services.declaration_recommend, "return": services.declaration_return,
                   "reject": services.declaration_reject}[name]
        return service(user=user, declaration=declaration, reason=data["reason"])


STEPS = {
    "recommend": Step(ConfirmForm, gettext_lazy("Recommend to the city"),
                      gettext_lazy("Recommend this declaration to the city review?"),
                      gettext_lazy("The declaration of %(enterprise)s is recommended to the city.")),
    "return": Step(ReasonForm, gettext_lazy("Return for changes"),
                   gettext_lazy("Return this declaration to the enterprise for changes?"),
                   gettext_lazy("The declaration of %(enterprise)s is returned.")),
    "reject": Step(ReasonForm, gettext_lazy("Reject"), gettext_lazy("Reject this declaration? This is final."),
                   gettext_lazy("The declaration of %(enterprise)s is rejected."), danger=True),
    "approve": Step(ApproveForm, gettext_lazy("Approve, to publicity"),
                    gettext_lazy("Approve this declaration and put it on the publicity list?"),
                    gettext_lazy("The declaration of %(enterprise)s is approved and goes to publicity.")),
    "designate": Step(DesignateForm, gettext_lazy("Designate"),
                      gettext_lazy("Designate the enterprise? The designation is recorded with its certificate."),
                      gettext_lazy("%(enterprise)s is designated.")),
}
# The steps a reviewer is offered on a declaration's page, by its status (the services decide whether they may).
OFFERED = {S.DISTRICT_REVIEW: ("recommend", "return", "reject"), S.CITY_REVIEW: ("approve", "return", "reject"),
           S.PUBLICITY: ("designate",)}
WHO = {S.DISTRICT_REVIEW: "district", S.CITY_REVIEW: "bureau", S.PUBLICITY: "bureau"}


def _reviewer(request) -> None:
    """Refuse (403) a user who reviews no declarations (an enterprise user, a park administrator)."""
    if not grants(user=request.user, model=Declaration, action=REVIEW):
        raise PermissionDenied(_("Only district staff and the bureau review declarations."))


def _bureau(request) -> None:
    """Refuse (403) anyone but the bureau (the rounds and publicity pages)."""
    if not grants(user=request.user, model=DeclarationRound, action=CHANGE):
        raise PermissionDenied(_("Only bureau staff may do this."))


def _declaration(request, pk) -> Declaration:
    """A declaration the user may review (404 outside their scope)."""
    _reviewer(request)
    try:
        return reviewed_declaration(user=request.user, pk=pk)
    except Declaration.DoesNotExist:
        raise Http404 from None


def _offered(request, declaration) -> list[dict]:
    """The steps shown on the page: those of its status that the user's role takes."""
    scope = user_scope(request.user)
    who = WHO.get(declaration.status)
    if who is None or (who == "bureau" and not scope.bureau):
        return []
    return [{"name": name, "step": STEPS[name], "form": STEPS[name].form(auto_id=f"id_{name}_%s"),
             "url": reverse("declaration-step", args=[declaration.pk, name])} for name in OFFERED[declaration.status]]


@login_required
@require_GET
def review_queue_page(request):
    """The declarations awaiting the user's review, oldest submission first."""
    _reviewer(request)
    context = {"declarations": review_queue(user=request.user), "city": user_scope(request.user).bureau}
    return render(request, "enterprises/declarations/queue.html", context)


@login_required
@require_GET
def review_page(request, pk):
    """A declaration under review: its filing's figures, assessment under the round's rule set, answers, steps."""
    declaration = _declaration(request, pk)
    assessment = declaration_assessment(declaration=declaration, user=request.user)
    context = {
        "declaration": declaration, "assessment": assessment, "figures": filing_figures(declaration.filing),
        "tier_rows": declared_tier_rows(assessment, declaration.round.tier), "steps": declaration.steps.all(),
        "answers": [(DeclarationForm.base_fields[name].label, declaration.answers.get(name, "")) for name in QUESTIONS],
        "actions": _offered(request, declaration),
        "evidence_panel": evidence_panel(user=request.user, owner_name="declaration", owner=declaration,
                                         editable=False),  # the reviewer reads the evidence
    }
    return render(request, "enterprises/declarations/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_step_page(request, pk, step):
    """One step on a declaration: its confirmation page (GET, the way without JavaScript) and the step (POST,
    also from the page's dialog). A field the service refuses is an error on the form (400); a step its status
    does not allow shows the service's message on the declaration's page."""
    declaration = _declaration(request, pk)
    if step not in STEPS:
        raise Http404
    spec = STEPS[step]
    form = spec.form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            spec.call(step, user=request.user, declaration=declaration, data=form.cleaned_data)
        except ValidationError as error:
            fields = set(getattr(error, "message_dict", {})) & set(form.fields)
            if not fields:
                for text in error.messages:
                    messages.error(request, text)
                return redirect("declaration-review", pk=declaration.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, spec.done % {"enterprise": declaration.enterprise.name})
            if step == "designate":
                return redirect("declaration-round-publicity", pk=declaration.round_id)
            return redirect("declaration-review-queue")
    context = {"declaration": declaration, "spec": spec, "form": form,
               "action": reverse("declaration-step", args=[declaration.pk, step]),
               "back": reverse("declaration-review", args=[declaration.pk])}
    return render(request, "enterprises/declarations/step.html", context, status=400 if form.is_bound else 200)


# --- the bureau's rounds and publicity ----------------------------------------------------------------------------
def _round(request, pk) -> DeclarationRound:
    """A round (the bureau's pages)."""
    _bureau(request)
    return get_object_or_404(DeclarationRound.objects.restrict(request.user, VIEW), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def rounds_page(request):
    """The rounds, newest first, each with its dates, close and publicity; and the form to open a round."""
    _bureau(request)
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.round_open(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round %(name)s is open.") % {"name": opened.name})
            return redirect("declaration-rounds")
    rounds = [(r, PublicityForm(initial={"starts": r.publicity_starts, "ends": r.publicity_ends},
                                auto_id=f"id_round{r.pk}_%s"))
              for r in DeclarationRound.objects.restrict(request.user, VIEW).order_by("-opens", "name")]
    return render(request, "enterprises/declarations/rounds.html", {"rounds": rounds, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def round_close_page(request, pk):
    """Close a round's window early (a round not open shows the service's message)."""
    declaration_round = _round(request, pk)
    try:
        services.round_close(user=request.user, declaration_round=declaration_round)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The round %(name)s is closed.") % {"name": declaration_round.name})
    return redirect("declaration-rounds")


@login_required
@require_http_methods(["GET", "POST"])
def round_publicity_dates_page(request, pk):
    """Set a round's publicity dates (the page is the form without the rounds list; errors come back on it)."""
    declaration_round = _round(request, pk)
    form = PublicityForm(request.POST if request.method == "POST" else None,
                         initial={"starts": declaration_round.publicity_starts,
                                  "ends": declaration_round.publicity_ends})
    if request.method == "POST" and form.is_valid():
        try:
            services.round_set_publicity(user=request.user, declaration_round=declaration_round,
                                         starts=form.cleaned_data["starts"], ends=form.cleaned_data["ends"])
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error({"publicity_starts": "starts", "publicity_ends": "ends"}.get(field), texts)
        else:
            messages.success(request, _("The publicity dates of %(name)s are set.") % {"name": declaration_round.name})
            return redirect("declaration-rounds")
    context = {"form": form, "title": _("Publicity dates of %(name)s") % {"name": declaration_round.name},
               "action": request.path, "back": reverse("declaration-rounds"), "submit": _("Set the dates")}
    return render(request, "enterprises/declarations/form_page.html", context, status=400 if form.is_bound else 200)


@login_required
@require_GET
def round_publicity_page(request, pk):
    """A round's declarations in publicity (and designated or withdrawn since) with their objections: record one,
    decide one, designate after publicity."""
    declaration_round = _round(request, pk)
    declarations = round_publicity(user=request.user, declaration_round=declaration_round)
    context = {"round": declaration_round, "declarations": declarations, "objection_form": ObjectionForm(),
               "decision_form": DecisionForm(), "designate_form": DesignateForm()}
    return render(request, "enterprises/declarations/publicity_round.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def objection_record_page(request, pk):
    """Record a written, signed objection to a declaration in publicity (bureau staff)."""
    _bureau(request)
    declaration = _declaration(request, pk)
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_record(user=request.user, declaration=declaration, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The objection is recorded."))
            return redirect("declaration-round-publicity", pk=declaration.round_id)
    context = {"form": form, "title": _("Objection to %(enterprise)s") % {"enterprise": declaration.enterprise.name},
               "action": request.path, "back": reverse("declaration-round-publicity", args=[declaration.round_id]),
               "submit": _("Record the objection")}
    return render(request, "enterprises/declarations/form_page.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def objection_decide_page(request, pk):
    """Decide an objection: upheld (the declaration is withdrawn) or not, with the reason (bureau staff)."""
    _bureau(request)
    objection = get_object_or_404(Objection.objects.restrict(request.user, VIEW).select_related(
        "declaration__enterprise"), pk=pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_decide(user=request.user, objection=objection, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The objection is decided."))
            return redirect("declaration-round-publicity", pk=objection.declaration.round_id)
    context = {"form": form, "title": _("Decide the objection to %(enterprise)s") % {
        "enterprise": objection.declaration.enterprise.name}, "objection": objection, "action": request.path,
        "back": reverse("declaration-round-publicity", args=[objection.declaration.round_id]),
        "submit": _("Decide")}
    return render(request, "enterprises/declarations/form_page.html", context, status=400 if form.is_bound else 200)


# --- the public list -----------------------------------------------------------------------------------------------
@require_GET
def publicity_page(request):
    """The public list of enterprises to be recognised (拟认定名单) of the rounds in publicity today; no sign-in."""
    return render(request, "enterprises/declarations/publicity.html", {"declarations": publicity_list()})
