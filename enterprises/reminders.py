"""The reminders of the enterprises app, sent by celery beat every morning (enterprises.tasks.reminders) through
config.notifications.services.remind, each once per subject, period and recipient (its Reminder row):

- the filing season: in the last 30 days of the open season, weekly, to the users of each active enterprise that has
  not submitted the season's year (a filing submitted, approved or superseded), and to each park's administrators
  one list of their park's enterprises that have not;
- tenancies ending within 30 days, to the park's administrators (once per tenancy and end date);
- designations entering re-review (due), to the enterprise's users and its district's staff (once per designation).
"""

import datetime
from collections import defaultdict

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from config.notifications.models import NotificationKind as Kind
from config.notifications.services import remind

from .choices import DesignationStatus, EnterpriseStatus, FilingStatus
from .models import AnnualFiling, Enterprise, Tenancy, TierDesignation
from .notices import district_staff, enterprise_users, park_admins
from .selectors import filing_seasons

FILING_REMINDER_DAYS = 30  # the season's last month
TENANCY_NOTICE_DAYS = 30
FILED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED, FilingStatus.SUPERSEDED)
LISTED = 20  # enterprises named in a park's reminder; the rest counted


def open_season(today: datetime.date) -> tuple[int, datetime.date] | None:
    """The year whose filing season is open on the day, and its last day (None outside every season)."""
    seasons = filing_seasons(years=[today.year - 1, today.year - 2])
    return next(((year, closes) for year, (opens, closes) in seasons.items() if opens <= today <= closes), None)


def filing_season_reminders(*, today: datetime.date) -> int:
    """Weekly in the season's last 30 days: the enterprises not filed and their parks' administrators; how many
    reminders were sent."""
    season = open_season(today)
    if season is None or (season[1] - today).days >= FILING_REMINDER_DAYS:
        return 0
    year, closes = season
    iso = today.isocalendar()
    period = f"{year}:{iso.year}-W{iso.week:02d}"
    names = {"year": year, "closes": closes}
    late = (Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
            .exclude(pk__in=AnnualFiling.objects.filter(year=year, status__in=FILED).values("enterprise_id"))
            .select_related("park").order_by("park_id", "name"))
    sent, by_park = 0, {}
    for enterprise in late:
        if enterprise.park_id:
            by_park.setdefault(enterprise.park, []).append(enterprise)
        sent += len(remind(
            users=enterprise_users(enterprise.pk), kind=Kind.FILING_REMINDER, subject_key=f"enterprise:{enterprise.pk}",
            period_key=period, link=reverse("enterprise-profile", args=[enterprise.pk]),
            subject=lambda e=enterprise: _("%(enterprise)s: file the figures of %(year)s by %(closes)s") % {
                **names, "enterprise": e.name},
            body=lambda: _("The filing season of %(year)s closes on %(closes)s.") % names))
    for park, enterprises in by_park.items():
        listed = "\n".join(e.name for e in enterprises[:LISTED])
        count = len(enterprises)
        more = count - LISTED
        sent += len(remind(
            users=park_admins(park.pk), kind=Kind.FILING_REMINDER, subject_key=f"park:{park.pk}", period_key=period,
            link=reverse("dashboard"),
            subject=lambda p=park, n=count: _(
                "%(park)s: %(count)d enterprise(s) have not filed %(year)s (closes %(closes)s)") % {
                **names, "park": p.name, "count": n},
            body=lambda listed=listed, more=more: listed + (
                ("\n" + _("and %(count)d more") % {"count": more}) if more > 0 else "")))
    return sent


def tenancy_board_link(tenancy) -> str:
    """The lease board of the tenancy's park, searched for its unit (where a park administrator sees it)."""
    return f"{reverse('board')}?{urlencode({'park': tenancy.park_id, 'q': tenancy.unit.label})}"


def tenancy_end_reminders(*, today: datetime.date) -> int:
    """Each tenancy whose last day falls within the next 30 days, to its park's administrators (once per end)."""
    sent = 0
    ending = (Tenancy.objects.filter(end__gt=today, end__lte=today + datetime.timedelta(days=TENANCY_NOTICE_DAYS))
              .select_related("enterprise", "unit", "park").order_by("end", "pk"))
    for tenancy in ending:
        last_day = tenancy.end - datetime.timedelta(days=1)
        names = {"enterprise": tenancy.enterprise.name, "unit": str(tenancy.unit), "park": tenancy.park.name,
                 "last": last_day}
        sent += len(remind(
            users=park_admins(tenancy.park_id), kind=Kind.TENANCY_REMINDER, subject_key=f"tenancy:{tenancy.pk}",
            period_key=tenancy.end.isoformat(), link=tenancy_board_link(tenancy),
            subject=lambda names=names: _("%(park)s: the tenancy of %(enterprise)s ends on %(last)s") % names,
            body=lambda names=names: _("Unit %(unit)s is let to %(enterprise)s through %(last)s.") % names))
    return sent


def re_review_reminders(*, today: datetime.date) -> int:
    """Each designation due for re-review, to the enterprise's users and its district's staff (once)."""
    sent = 0
    due = list(TierDesignation.objects.with_status(today).filter(status=DesignationStatus.DUE)
               .select_related("enterprise").order_by("pk"))
    members = _by(enterprise_users, "enterprise_memberships__enterprise", {d.enterprise_id for d in due})
    staff = _by(district_staff, "district_memberships__district", {d.enterprise.district_id for d in due})
    for designation in due:
        enterprise = designation.enterprise
        names = {"enterprise": enterprise.name, "until": designation.valid_until}
        # The enterprise's users go to their declarations (where the re-review declaration is), district staff to
        # their review queue: never the designation's API record.
        for users, link in ((members[enterprise.pk], reverse("my-declarations")),
                            (staff[enterprise.district_id], reverse("declaration-review-queue"))):
            sent += len(remind(
                users=users, kind=Kind.RE_REVIEW_REMINDER, subject_key=f"designation:{designation.pk}",
                period_key=designation.due_from.isoformat(), link=link,
                subject=lambda d=designation, names=names: _(
                    "%(enterprise)s: the %(tier)s designation is due for re-review") % {
                    **names, "tier": d.get_tier_display()},
                body=lambda names=names: _("It is valid through %(until)s; declare its re-review in the open round "
                                           "of its tier before then.") % names))
    return sent


def _by(accounts, path: str, ids: set) -> dict[int, list]:
    """The accounts of each of the ids (`accounts(*ids)` read once, grouped by the membership at `path`)."""
    grouped = defaultdict(list)
    for user in accounts(*ids).annotate(held=F(path)) if ids else ():
        grouped[user.held].append(user)
    return grouped


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Send every reminder due today (each once); how many of each kind were sent now."""
    today = today or timezone.localdate()
    return {"filing_season": filing_season_reminders(today=today),
            "tenancies_ending": tenancy_end_reminders(today=today),
            "re_reviews": re_review_reminders(today=today)}
