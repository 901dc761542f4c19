"""Self-service pages of enterprise users: their enterprise's profile, and its records read-only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from parks.scoping import CHANGE, VIEW

from .forms import EnterpriseProfileForm
from .models import Enterprise
from .selectors import enterprise_assessment


@login_required
def my_enterprises(request):
    """The enterprises the user is a member of; straight to the profile when there is one."""
    enterprises = Enterprise.objects.filter(memberships__user=request.user).select_related("district", "park")
    if len(enterprises) == 1:
        return redirect("enterprise-profile", pk=enterprises[0].pk)
    if not enterprises and request.user.is_staff:
        return redirect("admin:index")  # bureau staff and park administrators work in the admin
    return render(request, "enterprises/list.html", {"enterprises": enterprises})


@login_required
def enterprise_profile(request, pk):
    """An enterprise's profile, editable by its users, with its tier self-assessment, filings, tenancies, labs,
    platforms and projects."""
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(request.user, VIEW).select_related("district", "park"), pk=pk,
    )
    editable = Enterprise.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    form = EnterpriseProfileForm(request.POST if request.method == "POST" and editable else None, instance=enterprise)
    if request.method == "POST" and editable and form.is_valid():
        form.save()
        messages.success(request, _("The profile is saved."))
        return redirect("enterprise-profile", pk=pk)
    assessment, filing = enterprise_assessment(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "assessment": assessment,
        "assessed_filing": filing,
        "filings": enterprise.filings.restrict(request.user, VIEW).order_by("-year", "-revision"),
        "form": form,
        "editable": editable,
        "tenancies": enterprise.tenancies.restrict(request.user, VIEW).select_related("unit", "park"),
        "labs": enterprise.labs.restrict(request.user, VIEW).select_related("park"),
        "platforms": enterprise.platforms.restrict(request.user, VIEW).select_related("park"),
        "projects": (enterprise.led_projects.restrict(request.user, VIEW)
                     | enterprise.partner_projects.restrict(request.user, VIEW)).distinct(),
    }
    return render(request, "enterprises/profile.html", context)
