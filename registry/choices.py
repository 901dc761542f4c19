"""Enumerations of the registry app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.choices import Tier


class LabKind(models.TextChoices):
    """Kinds of lab the plan counts."""

    JOINT_LAB = "joint_lab", _("University-enterprise joint lab")
    INNOVATION_CENTRE = "innovation_centre", _("Enterprise technology innovation centre")


class PlatformDomain(models.TextChoices):
    """The five domains of common technology platforms named by the plan."""

    CLOUD_RENDERING = "cloud_rendering", _("Cloud rendering")
    INTERACTION_DRIVING = "interaction_driving", _("Interaction driving")
    INTELLIGENT_COMPUTING = "intelligent_computing", _("Intelligent computing")
    DATA_OPENING = "data_opening", _("Data opening")
    DIGITAL_ASSET_CIRCULATION = "digital_asset_circulation", _("Digital-asset circulation")


class ProjectField(models.TextChoices):
    """Application fields of benchmark projects."""

    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    FINANCE = "finance", _("Finance")
    GOVERNMENT = "government", _("Government affairs")
    ECOMMERCE_LIVE = "ecommerce_live", _("E-commerce live streaming")
    MEDIA = "media", _("Media")
    EDUCATION = "education", _("Education")
    HEALTHCARE = "healthcare", _("Healthcare")
    OTHER = "other", _("Other")


class DigitalHumanKind(models.TextChoices):
    """Service-type or performance-type digital human (plan tasks 5 and 6)."""

    SERVICE = "service", _("Service digital human")
    PERFORMANCE = "performance", _("Performance digital human")


class OperatingStatus(models.TextChoices):
    """Life cycle of a lab or a platform."""

    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("In operation")
    CLOSED = "closed", _("Closed")


class ProjectStatus(models.TextChoices):
    """Stage of a benchmark project."""

    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    ACCEPTED = "accepted", _("Accepted")


class TargetMetric(models.TextChoices):
    """What a plan target counts; a new target is a row naming one of these with its parameters."""

    INDUSTRY_SCALE = "industry_scale", _("Industry scale (digital-human revenue)")
    ENTERPRISES_OVER_REVENUE = "enterprises_over_revenue", _("Enterprises with revenue over a threshold")
    LABS = "labs", _("Labs and innovation centres")
    PLATFORMS = "platforms", _("Common technology platforms")
    BENCHMARK_PROJECTS = "benchmark_projects", _("Benchmark application projects")
    FEATURED_PARKS = "featured_parks", _("Featured digital-human parks and bases")


class TargetUnit(models.TextChoices):
    """Unit of a plan target's goal, and of an amount in a report (the registry's money is in 万元)."""

    YUAN_100M = "yuan_100m", _("100 million yuan")
    YUAN_10K = "yuan_10k", _("10,000 yuan")
    COUNT = "count", _("count")


class Comparison(models.TextChoices):
    """How a plan target's actual figure is compared with its goal: greater than (超过 / 突破 / 更多) or at least
    (达到 / 不少于 / 以上, or a bare number)."""

    GREATER = "gt", _("greater than (超过 / 突破 / 更多)")
    AT_LEAST = "gte", _("at least (达到 / 不少于 / 以上)")


class RunKind(models.TextChoices):
    """Kinds of report run (Celery jobs that compute a snapshot)."""

    TIER_SUMMARY = "tier_summary", _("Tier summary")


class RunStatus(models.TextChoices):
    """Where a report run is: written pending before its task is sent, then running, then succeeded or failed."""

    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)


class FileJobKind(models.TextChoices):
    """Whether a file job reads an uploaded file into the registry or writes a register to a file."""

    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class FileSubject(models.TextChoices):
    """The register a file job imports or exports."""

    ENTERPRISES = "enterprises", _("Enterprises")
    TENANCIES = "tenancies", _("Tenancies")
    FILINGS = "filings", _("Annual filings")
    STANDARDS = "standards", _("standards")
    IP_ITEMS = "ip_items", _("intellectual property")
    FINANCING_ROUNDS = "financing_rounds", _("financing rounds")
    LISTINGS = "listings", _("listings")
    SUPPORT_AWARDS = "support_awards", _("support awards")
    COMPLIANCE = "compliance", _("compliance filings")
    ACTIVITIES = "activities", _("industry activities")
    CHARACTERS = "characters", _("virtual characters")
    PARK_SERVICES = "park_services", _("park services")


class FileFormat(models.TextChoices):
    """Format of a job's file."""

    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class SummaryLevel(models.TextChoices):
    """The place a tier-summary row covers."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    PARK = "park", _("Park")


class AwardStatus(models.TextChoices):
    """Where a support-fund award stands: applied for, approved (an amount granted), paid, or cancelled."""

    APPLIED = "applied", pgettext_lazy("support award", "Applied")
    APPROVED = "approved", pgettext_lazy("support award", "Approved")
    PAID = "paid", pgettext_lazy("support award", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("support award", "Cancelled")


# The statuses whose award counts in the support-fund figures (granted: approved or paid).
GRANTED_AWARD_STATUSES = (AwardStatus.APPROVED, AwardStatus.PAID)


class FundGrouping(models.TextChoices):
    """What the support-fund report groups its awards by."""

    POLICY = "policy", _("Policy")
    DISTRICT = "district", _("District")
    PARK = "park", _("Park")
    TASK = "task", _("Plan task")


ALL_TIERS = "all"  # the tier value of a summary row over every enterprise, whatever tier it holds


def tier_label(value: str) -> str:
    """Display name of a summary row's tier (a Tier value, or all tiers)."""
    return str(_("All enterprises")) if value == ALL_TIERS else str(Tier(value).label)
