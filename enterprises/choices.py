"""Enumerations of the enterprises app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChainPosition(models.TextChoices):
    """Position on the digital-human industry chain."""

    FOUNDATION = "foundation", _("Foundation layer (tools and hardware)")
    PLATFORM = "platform", _("Platform layer (platforms and AI driving)")
    APPLICATION = "application", _("Application layer")


class Segment(models.TextChoices):
    """Business segments of a digital-human enterprise (an enterprise may have several)."""

    MODELLING = "modelling", _("Modelling")
    RENDERING = "rendering", _("Rendering")
    MOTION_CAPTURE = "motion_capture", _("Motion capture")
    VOICE_DIALOGUE = "voice_dialogue", _("Voice and dialogue")
    AI_DRIVING = "ai_driving", _("AI driving")
    CONTENT_OPERATION = "content_operation", _("Content operation")
    HARDWARE = "hardware", _("Display and sensing hardware")
    IP_OPERATION = "ip_operation", _("Virtual IP operation")


class EnterpriseStatus(models.TextChoices):
    """Whether an enterprise is still in business and in the registry's scope."""

    ACTIVE = "active", _("Active")
    MOVED_OUT = "moved_out", _("Moved out of Beijing")
    DEREGISTERED = "deregistered", _("Deregistered")


class FilingStatus(models.TextChoices):
    """Where an annual filing is in its review: draft -> submitted -> approved, or returned -> resubmitted.

    An approved filing is frozen; a correction is a new revision, and approving it supersedes the old one.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded by a later revision")


# Filings still being worked on (at most one per enterprise and year).
OPEN_FILING_STATUSES = (FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED)
# Filings whose figures the enterprise may still change and submit.
EDITABLE_FILING_STATUSES = (FilingStatus.DRAFT, FilingStatus.RETURNED)
# Filings whose figures are frozen.
FROZEN_FILING_STATUSES = (FilingStatus.APPROVED, FilingStatus.SUPERSEDED)
# Filed: in review or reviewed (a draft is the enterprise's own work; a superseded revision always has an approved
# successor, so an enterprise-year with one is filed through that).
FILED_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.APPROVED)


class SmeSector(models.TextChoices):
    """Sector for the SME size gate of 《中小企业划型标准规定》 (2011)."""

    SOFTWARE_IT = "software_it", _("Software and information technology services")
    TRANSMISSION = "transmission", _("Information transmission (telecommunications, internet, broadcasting)")
    INDUSTRY = "industry", _("Industry")


class RdInstitution(models.TextChoices):
    """Highest level of the enterprise's own (or joint) R&D institution."""

    NONE = "none", _("None")
    OTHER = "other", _("Below municipal level")
    MUNICIPAL = "municipal", _("Municipal")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class ProductField(models.TextChoices):
    """Field of the main product as the 专精特新 score table reads it (专业化, main product's field)."""

    KEY_LINK = "key_link", _("Breakthrough at a key link of an industry chain")
    FOUNDATION = "foundation", _("Industrial foundation, time-honoured brand or key-chain supplier")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    """The SME gradient tiers, lowest first, and 单项冠军 (a separate honour, not a rung of the ladder).

    Each label is the tier's one name on every screen, in the admin, the exports and the API's display fields: the
    official name as the 2026 measures give it (the base tier was 创新型中小企业 under the 2022 measures; the 2026
    revision renamed it, docs/domain-rules.md 4.6), whatever rule set assessed a year (docs/screens-assessment.md).
    """

    INNOVATIVE = "innovative", _("Technology and innovation SME (科技和创新型中小企业)")
    SPECIALISED = "specialised", _("Specialised and sophisticated SME (专精特新中小企业)")
    LITTLE_GIANT = "little_giant", _("Little giant (专精特新“小巨人”)")
    SINGLE_CHAMPION = "single_champion", _("Manufacturing single champion enterprise (制造业单项冠军企业)")


# The ladder: each rung needs the one below it held.
LADDER = (Tier.INNOVATIVE, Tier.SPECIALISED, Tier.LITTLE_GIANT)


# The one name of each tier (its label), for badges and chart legends as for everything else: a tier has no short
# name (docs/screens-assessment.md).
TIER_NAMES = {tier: tier.label for tier in Tier}
TIER_SHORT_NAMES = TIER_NAMES  # the former short names' mapping, kept for its importers: the same one names now


class DesignationStatus(models.TextChoices):
    """Status of a tier designation, following from its dates."""

    VALID = "valid", _("Valid")
    DUE = "due", _("Due for re-review")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class RoundCadence(models.TextChoices):
    """How often the bureau opens declaration rounds: each calendar month, or each quarter."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class DeclarationKind(models.TextChoices):
    """A first declaration of a tier, or the re-review of a designation reaching its expiry."""

    NEW = "new", _("New declaration")
    RE_REVIEW = "re_review", _("Re-review")


class DeclarationStatus(models.TextChoices):
    """Where a declaration stands: drafted and signed by the enterprise, reviewed by its district, then by the city,
    published for objections, and designated — or returned, rejected or withdrawn on the way."""

    DRAFT = "draft", _("Draft")
    DISTRICT_REVIEW = "district_review", _("In district review")
    CITY_REVIEW = "city_review", _("In city review")
    PUBLICITY = "publicity", _("In publicity")
    DESIGNATED = "designated", _("Designated")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn after an objection")


# The statuses in which the enterprise may still change its declaration.
EDITABLE_DECLARATION_STATUSES = (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED)
# The statuses a declaration no longer leaves.
FINAL_DECLARATION_STATUSES = (DeclarationStatus.DESIGNATED, DeclarationStatus.REJECTED, DeclarationStatus.WITHDRAWN)


class DeclarationAction(models.TextChoices):
    """A step of the declaration process, as recorded in its steps."""

    SUBMIT = "submit", _("Submitted")
    RECOMMEND = "recommend", _("Recommended by the district")
    RETURN = "return", _("Returned")
    REJECT = "reject", _("Rejected")
    APPROVE = "approve", _("Approved by the city, to publicity")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld, withdrawn")
    DESIGNATE = "designate", _("Designated")


class LeaseStatus(models.TextChoices):
    """A unit on the lease board today: vacant, let, or let with its last day within 30, 60 or 90 days."""

    VACANT = "vacant", _("vacant")
    ENDING_30 = "ending_30", _("ending within 30 days")
    ENDING_60 = "ending_60", _("ending within 60 days")
    ENDING_90 = "ending_90", _("ending within 90 days")
    LET = "let", _("let")


# The ending windows, nearest first: a lease with this many days left or fewer (today counted) is ending.
ENDING_WINDOWS = ((30, LeaseStatus.ENDING_30), (60, LeaseStatus.ENDING_60), (90, LeaseStatus.ENDING_90))


class EvidenceKind(models.TextChoices):
    """What an evidence file proves: a declaration's documents, a filing's audit report, a tenancy's contract."""

    AUDITED_FINANCIALS = "audited_financials", _("Audited financial statements")
    RD_AUDIT = "rd_audit", _("Special audit of R&D expenses")
    IP_PROOF = "ip_proof", _("Proof of intellectual property")
    RD_INSTITUTION = "rd_institution", _("Proof of an R&D institution")
    QUALITY_CERTIFICATION = "quality_certification", _("Quality certification")
    COMMITMENT = "commitment", _("Signed commitment (承诺书)")
    OTHER = "other", _("Other evidence")
    AUDIT_REPORT = "audit_report", _("Audit report")
    CONTRACT_SCAN = "contract_scan", _("Scan of the lease contract")


# The kinds each owner of evidence takes (enterprises.models.evidence: one owner per file).
EVIDENCE_KINDS = {
    "declaration": (EvidenceKind.AUDITED_FINANCIALS, EvidenceKind.RD_AUDIT, EvidenceKind.IP_PROOF,
                    EvidenceKind.RD_INSTITUTION, EvidenceKind.QUALITY_CERTIFICATION, EvidenceKind.COMMITMENT,
                    EvidenceKind.OTHER),
    "filing": (EvidenceKind.AUDIT_REPORT,),
    "tenancy": (EvidenceKind.CONTRACT_SCAN,),
}


# --- the enterprise's own registers (docs/registers-enterprise.md) ---------------------------------------------
class StandardLevel(models.TextChoices):
    """Level of a standard an enterprise sets or revises (plan task 4)."""

    INTERNATIONAL = "international", _("International standard")
    NATIONAL = "national", _("National standard")
    INDUSTRY = "industry", _("Industry standard")
    LOCAL = "local", _("Local standard")
    GROUP = "group", _("Group standard")
    ZHONGGUANCUN = "zhongguancun", _("Zhongguancun standard (中关村标准)")


class StandardRole(models.TextChoices):
    """The enterprise's part in a standard."""

    LEAD = "lead", _("Lead drafter")
    PARTICIPATING = "participating", _("Participating drafter")


class StandardStatus(models.TextChoices):
    """Where a standard is: being drafted, approved, published."""

    DRAFTING = "drafting", _("Drafting")
    APPROVED = "approved", pgettext_lazy("standard", "Approved")  # 已批准 (not the filings' review term 审核通过)
    PUBLISHED = "published", pgettext_lazy("standard", "Published")


class IpType(models.TextChoices):
    """Type of an intellectual-property item; its class (Ⅰ or Ⅱ) follows as the tier rules count it (IP_CLASS1)."""

    INVENTION = "invention", _("Invention patent")
    IC_LAYOUT = "ic_layout", _("Integrated-circuit layout design")
    PLANT_VARIETY = "plant_variety", _("New plant variety")
    UTILITY_MODEL = "utility_model", _("Utility-model patent")
    DESIGN = "design", _("Design patent")
    SOFTWARE = "software", _("Software copyright")


# The class-I types of the tier rules (发明专利、集成电路布图设计、植物新品种...); every other type is class II.
IP_CLASS1 = (IpType.INVENTION, IpType.IC_LAYOUT, IpType.PLANT_VARIETY)


class IpClass(models.TextChoices):
    """Class of an IP item as the tier rules count it."""

    CLASS1 = "1", _("Class I")
    CLASS2 = "2", _("Class II")


class DigitalHumanType(models.TextChoices):
    """Service-type or performance-type digital human (plan tasks 5 and 6)."""

    SERVICE = "service", _("Service digital human")
    PERFORMANCE = "performance", _("Performance digital human")


class DigitalHumanRegistrationKind(models.TextChoices):
    """What a virtual character's registration protects."""

    COPYRIGHT = "copyright", _("Copyright registration of the character")
    TRADEMARK = "trademark", _("Trademark")
    DESIGN = "design", _("Design patent")
    OTHER = "other", _("Other registration")


class GuidedFund(models.TextChoices):
    """The government-guided fund that took part in a financing round."""

    HIGH_TECH = "high_tech", _("Beijing high-tech industry fund (高精尖基金)")
    SCI_TECH = "sci_tech", _("Beijing sci-tech innovation fund (科创基金)")
    OTHER = "other", _("Other government-guided fund")


class ListingBoard(models.TextChoices):
    """Where an enterprise is listed or quoted."""

    NEEQ = "neeq", _("NEEQ (新三板)")
    BSE = "bse", _("Beijing Stock Exchange (北交所)")
    STAR = "star", _("STAR Market (科创板)")
    CHINEXT = "chinext", _("ChiNext (创业板)")
    MAIN = "main", _("Main board (主板)")
    SPECIALISED = "specialised", _("专精特新专板 of the Beijing Equity Exchange Center")
    OTHER = "other", _("Other market")


# --- compliance filings (docs/registers-compliance.md) ---------------------------------------------------------
class ComplianceKind(models.TextChoices):
    """What a compliance filing is: one of the two algorithm filings with the national internet regulator, or the
    enterprise's content-security or data-security record (plan task 15)."""

    DEEP_SYNTHESIS = "deep_synthesis", _("Deep-synthesis service algorithm filing")  # 深度合成服务算法备案
    GENERATIVE_AI = "generative_ai", _("Generative-AI service filing")  # 生成式人工智能服务备案
    CONTENT_SECURITY = "content_security", _("Content-security record")  # 内容安全
    DATA_SECURITY = "data_security", _("Data-security record")  # 数据安全


# The algorithm filings: each carries the number the regulator gave it.
ALGORITHM_FILINGS = (ComplianceKind.DEEP_SYNTHESIS, ComplianceKind.GENERATIVE_AI)


# --- talent, events and cooperation (docs/registers-activities.md) ----------------------------------------------
class ActivityKind(models.TextChoices):
    """What an industry activity an enterprise reports is (counts only, never personal data); ACTIVITY_TASKS gives
    each kind's plan task."""

    NATIONAL_PROGRAMME = "national_programme", _("Recommended into a national science and technology programme")
    TOOL_VERIFICATION = "tool_verification", _("Small-batch verification of a production tool")
    LEADING_TALENT = "leading_talent", _("Leading talents recognised")
    JOINT_TRAINING = "joint_training", _("Joint training programme with a university")
    INDUSTRY_EXCHANGE = "industry_exchange", _("Supply-chain matching or industry exchange event")
    INTERNATIONAL_EVENT = "international_event", _("International conference or exhibition")
    OVERSEAS_PROJECT = "overseas_project", _("Overseas cooperation project")


# The one place an activity's kind names its plan task (1 底层技术, 2 生产工具, 11 人才, 13 产业生态, 14 国际交流).
ACTIVITY_TASKS = {
    ActivityKind.NATIONAL_PROGRAMME: 1,
    ActivityKind.TOOL_VERIFICATION: 2,
    ActivityKind.LEADING_TALENT: 11,
    ActivityKind.JOINT_TRAINING: 11,
    ActivityKind.INDUSTRY_EXCHANGE: 13,
    ActivityKind.INTERNATIONAL_EVENT: 14,
    ActivityKind.OVERSEAS_PROJECT: 14,
}


def activity_kinds_of(task: int) -> list[str]:
    """The activity kinds that count for a plan task (none for a task no kind names)."""
    return [kind.value for kind, number in ACTIVITY_TASKS.items() if number == task]
