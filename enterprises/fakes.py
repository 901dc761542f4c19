"""The rules of plausible fake records, shared by every maker of them: the demo seeds (seeds/build_demo.py), the city
generator (registry/generator/) and the test factories (tests/factories.py).

Each maker draws its own traits (the demo from a scale and fixed shares, the city from a latent strength, the
factories from fixed figures) and hands them here; what a filing's figures, a tenancy's period and a unit's labels
must be to be plausible is decided once:

- `filing_figures`: a filing's money and head-count figures from a revenue per year and shares of it. Main and
  digital-human revenue stay within revenue, R&D staff within staff, amounts are rounded to the cent, so every
  filing passes the filing table's checks and the tier rules read figures that agree with each other.
- `ip_figures`: the intellectual-property counts, each kind of class-I IP within the class-I count.
- `filing_review`: the review fields a filing of a status carries (its park and district stamped on submission).
- `figures_faults`: what makes a filing's figures implausible, for the tests of every maker.
- `tenancy_period`, `add_months`: a half-open tenancy period [start, end) that ends after it starts.
- `unit_labels`: a unit's building, floor and room ("A座", "3", "305").
- `park_services_offered`: the services and policies a park offers, in the shares `PARK_SERVICE_SHARES` says.
"""

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal

from .choices import FilingStatus
from .models.designation import add_months

CENT = Decimal("0.01")
# The figures filing_figures makes, in the filing's field names.
FIGURE_FIELDS = (
    "revenue", "revenue_prev", "revenue_prev2", "digital_human_revenue", "main_revenue", "main_revenue_prev",
    "main_revenue_prev2", "rd_expense", "rd_expense_prev", "net_profit", "staff", "rd_staff",
)
IP_FIELDS = ("ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied", "ip_class2")


def money(value) -> Decimal:
    """An amount as a Decimal to the cent (万元 with two decimals, as the filing stores it)."""
    return Decimal(value).quantize(CENT)


def cents(value: float) -> float:
    """An amount as a float rounded to the cent (the city generator's COPY rows, where Decimals cost time)."""
    return round(value, 2)


def _per_year(share, years: int) -> Sequence:
    """A share for each of `years` years: one share repeated, or one per year (this year first)."""
    return share if isinstance(share, (tuple, list)) else (share,) * years


def revenue_years(revenue, growth, *, rounding: Callable = money) -> tuple:
    """Revenue of this year and the two before, growing by the factor `growth` a year."""
    return rounding(revenue), rounding(revenue / growth), rounding(revenue / growth / growth)


def filing_figures(*, revenue: Sequence, main_share, dh_share, rd_share, margin, staff: int, rd_staff_share,
                   rounding: Callable = money) -> dict:
    """A filing's money and head-count figures: `revenue` of this year and the two before; the shares of revenue
    that are main business (one, or one per year), digital-human business and R&D (one, or this year's and last);
    net margin; staff and the share of them in R&D. Main and digital-human revenue stay within revenue, R&D staff
    within staff (at least one when there is any staff). `rounding` is `money` (Decimals) or `cents` (floats)."""
    main = _per_year(main_share, 3)
    rd = _per_year(rd_share, 2)
    return {
        "revenue": revenue[0], "revenue_prev": revenue[1], "revenue_prev2": revenue[2],
        "digital_human_revenue": min(revenue[0], rounding(revenue[0] * dh_share)),
        "main_revenue": min(revenue[0], rounding(revenue[0] * main[0])),
        "main_revenue_prev": min(revenue[1], rounding(revenue[1] * main[1])),
        "main_revenue_prev2": min(revenue[2], rounding(revenue[2] * main[2])),
        "rd_expense": rounding(revenue[0] * rd[0]), "rd_expense_prev": rounding(revenue[1] * rd[1]),
        "net_profit": rounding(revenue[0] * margin),
        "staff": staff, "rd_staff": min(staff, max(1, round(staff * rd_staff_share))) if staff else 0,
    }


def ip_figures(*, ip_class1: int, self_developed: int, high_value: int, applied: int, ip_class2: int) -> dict:
    """Intellectual-property counts: each kind of class-I IP (self-developed, high-value, applied) within the
    class-I count."""
    return {
        "ip_class1": ip_class1, "ip_class1_self_developed": min(ip_class1, self_developed),
        "ip_class1_high_value": min(ip_class1, high_value), "ip_class1_applied": min(ip_class1, applied),
        "ip_class2": ip_class2,
    }


def filing_review(*, status: str, park, district, submitted_at, reviewed_at=None) -> dict:
    """The review fields a filing of `status` carries: none for a draft; from submission on, the enterprise's park
    and district and the submission time; once reviewed (approved or returned), the review time too."""
    if status == FilingStatus.DRAFT:
        return {}
    review = {"park": park, "district": district, "submitted_at": submitted_at}
    if status in (FilingStatus.APPROVED, FilingStatus.RETURNED):
        review["reviewed_at"] = reviewed_at
    return review


def figures_faults(figures: dict) -> list[str]:
    """What makes a filing's figures implausible (empty when none): amounts not to the cent, negative counts or
    amounts (net profit aside), parts larger than their whole."""
    faults = []
    for name in FIGURE_FIELDS + IP_FIELDS:
        value = figures.get(name)
        if value is None:
            continue
        if name != "net_profit" and value < 0:
            faults.append(f"{name} is negative")
        if isinstance(value, Decimal) and value != value.quantize(CENT):
            faults.append(f"{name} is not to the cent")
    for part, whole in (("main_revenue", "revenue"), ("digital_human_revenue", "revenue"),
                        ("main_revenue_prev", "revenue_prev"), ("main_revenue_prev2", "revenue_prev2"),
                        ("rd_staff", "staff"), ("ip_class1_self_developed", "ip_class1"),
                        ("ip_class1_high_value", "ip_class1"), ("ip_class1_applied", "ip_class1")):
        if figures.get(part) is not None and figures.get(whole) is not None and figures[part] > figures[whole]:
            faults.append(f"{part} exceeds {whole}")
    return faults


def tenancy_period(start: datetime.date, *, months: int | None = None, days: int | None = None,
                   end: datetime.date | None = None) -> tuple[datetime.date, datetime.date | None]:
    """A tenancy's half-open period [start, end): ending `months` or `days` after its start, on `end`, or open
    (none of them given). Refuses a period that ends on or before it starts."""
    if months is not None:
        end = add_months(start, months)
    elif days is not None:
        end = start + datetime.timedelta(days=days)
    if end is not None and end <= start:
        raise ValueError(f"a tenancy from {start} must end after it starts, not on {end}")
    return start, end


def unit_labels(building: str, floor: int, number: int) -> tuple[str, str, str]:
    """A unit's (building, floor, room): the floor as its number, the room as floor and a two-digit number on it
    (floor 3, number 5: "305")."""
    return building, str(floor), f"{floor}{number:02d}"


# --- park services (branch parksvc) -----------------------------------------------------------------------------
# The share of parks offering each kind of service (an incubator always offers incubation, every park its entry
# policy), the share of services already ended and of those kept out of the directory; the demo seeds and the city
# generator draw with these, so the generated city holds the demo's proportions.
PARK_SERVICE_SHARES = {"incubation": 0.5, "training": 0.6, "financing": 0.5, "scene_matching": 0.5, "policy": 1.0,
                       "other": 0.2}
PARK_SERVICE_ENDED_SHARE = 0.15
PARK_SERVICE_PRIVATE_SHARE = 0.1
PARK_SERVICE_TITLES = {
    "incubation": ("数字人企业孵化服务", "入驻企业创业辅导、工商注册与知识产权代办"),
    "training": ("数字人人才培训", "数字人建模、动作捕捉与内容运营培训"),
    "financing": ("投融资对接", "定期路演，对接天使投资、产业基金与银行科技信贷"),
    "scene_matching": ("应用场景对接", "发布文旅、金融、政务等数字人应用场景需求，撮合供需双方"),
    "policy": ("入驻租金优惠政策", "符合条件的数字人企业入驻首年租金减免"),
    "other": ("算力与渲染资源共享", "园区公共算力和渲染农场按需使用"),
}


def park_services_offered(rng, *, park_kind: str, number: int, today: datetime.date) -> list[dict]:
    """The services a park offers (kind, title, description, the service desk's e-mail on a reserved example
    domain, offered_from, offered_until, public), drawn with the shares above; every date is before `today`."""
    rows = []
    for kind, share in PARK_SERVICE_SHARES.items():
        if not (rng.random() < share or (kind == "incubation" and park_kind == "incubator")):
            continue
        title, description = PARK_SERVICE_TITLES[kind]
        start = today - datetime.timedelta(days=rng.randint(60, 1500))
        ended = rng.random() < PARK_SERVICE_ENDED_SHARE
        rows.append({"kind": kind, "title": title, "description": description,
                     "contact": f"park{number}-service@example.com", "offered_from": start,
                     "offered_until": start + datetime.timedelta(days=rng.randint(30, 59)) if ended else None,
                     "public": rng.random() >= PARK_SERVICE_PRIVATE_SHARE})
    return rows
