"""Routes of the enterprises API, and the occupancy endpoints under parks and districts."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .activities import IndustryActivityViewSet
from .compliance import ComplianceFilingViewSet
from .declarations import DeclarationRoundViewSet, DeclarationViewSet, ObjectionViewSet, PublicityViewSet
from .evidence import EvidenceFileViewSet
from .registers import (
    DigitalHumanIpViewSet,
    FinancingRoundViewSet,
    IntellectualPropertyViewSet,
    ListingViewSet,
    StandardViewSet,
)
from .views import (
    AnnualFilingViewSet,
    DistrictOccupancyView,
    EnterpriseMembershipViewSet,
    EnterpriseViewSet,
    FilingSeasonViewSet,
    InvitationView,
    ParkOccupancyView,
    PublicEnterpriseViewSet,
    TenancyViewSet,
    TierDesignationViewSet,
)

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet)
router.register("tenancies", TenancyViewSet)
router.register("enterprise-memberships", EnterpriseMembershipViewSet)
router.register("filings", AnnualFilingViewSet)
router.register("tier-designations", TierDesignationViewSet)
router.register("filing-seasons", FilingSeasonViewSet)
router.register("directory/enterprises", PublicEnterpriseViewSet, basename="public-enterprise")
router.register("declaration-rounds", DeclarationRoundViewSet)
router.register("declarations", DeclarationViewSet)
router.register("objections", ObjectionViewSet)
router.register("directory/publicity", PublicityViewSet, basename="publicity")
router.register("evidence", EvidenceFileViewSet)
# The enterprise's own registers (docs/registers-enterprise.md)
router.register("standards", StandardViewSet)
router.register("intellectual-property", IntellectualPropertyViewSet)
router.register("digital-human-ips", DigitalHumanIpViewSet)
router.register("financing-rounds", FinancingRoundViewSet)
router.register("listings", ListingViewSet)
# Compliance filings (docs/registers-compliance.md)
router.register("compliance-filings", ComplianceFilingViewSet)
# Talent, events and cooperation (docs/registers-activities.md)
router.register("industry-activities", IndustryActivityViewSet)
extra_urlpatterns = [
    # Under parks/ and districts/ but routed here: occupancy is computed from tenancies, which the parks app (below
    # this one) may not import (docs/design-declared.md).
    path("parks/<int:pk>/occupancy/", ParkOccupancyView.as_view(), name="park-occupancy"),
    path("districts/<int:pk>/occupancy/", DistrictOccupancyView.as_view(), name="district-occupancy"),
    path("invitations/", InvitationView.as_view(), name="invitation"),
]
