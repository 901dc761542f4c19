"""Generated parks, their units and the tenancies of their tenants (rows for COPY).

Parks scale with the city at one per ENTERPRISES_PER_PARK enterprises (a real park hosts hundreds of firms; the
demo's 9 parks for 60 enterprises would give 15,000 parks at 100,000). Units and tenancies follow the demo's
proportions: most enterprises registered with a park rent space there, some a second unit, a unit's earlier
tenant left before the current one moved in, and about one unit in nine stands empty.
"""

import datetime
import random
from array import array
from collections import defaultdict
from decimal import Decimal

from enterprises.fakes import park_services_offered, tenancy_period, unit_labels
from parks.choices import ParkKind

from .copying import weighted
from .profiles import STATUSES

ENTERPRISES_PER_PARK = 250
MIN_PARKS = 5
FEATURED_SHARE = 0.05  # featured digital-human parks and bases (a plan target)
PARK_KINDS = {ParkKind.PARK: 6, ParkKind.BASE: 2, ParkKind.INCUBATOR: 2}
PARK_NAMES = ("数字人产业园", "元宇宙创新基地", "数字内容孵化器", "虚拟现实产业园", "人工智能创新园")
RENTING_SHARE = 0.85  # active enterprises of a park that rent a unit in it
SECOND_UNIT_SHARE = 0.1  # renters with a second unit
PREVIOUS_TENANT_SHARE = 0.4  # let units that had an earlier tenant
VACANT_SHARE = 0.12  # units without a current tenancy, per let unit
ENDING_SHARE = 0.3  # current tenancies with an end date (some within the next 90 days)
ROOMS_PER_FLOOR, FLOORS = 20, 12

PARK_COLUMNS = ("id", "name", "district_id", "kind", "featured", "address", "operator")
UNIT_COLUMNS = ("id", "park_id", "building", "floor", "room", "area")
TENANCY_COLUMNS = ("id", "unit_id", "park_id", "enterprise_id", "start", "end", "rent")


def park_count(enterprises: int) -> int:
    """How many parks a city of this many enterprises has."""
    return max(MIN_PARKS, enterprises // ENTERPRISES_PER_PARK)


def park_rows(count: int, rng: random.Random, districts: dict, district_weights: dict):
    """Park rows with ids 1..count in districts drawn by weight; the first are the biggest and the featured."""
    featured = max(1, round(count * FEATURED_SHARE))
    for pk in range(1, count + 1):
        code = weighted(rng, district_weights)
        name = f"{rng.choice(('中关村', '亦庄', '首钢', '望京', '朝阳', '海淀', '通州', '大兴', '丰台', '石景山'))}"
        yield (pk, f"{name}{PARK_NAMES[pk % len(PARK_NAMES)]}{pk:04d}", districts[code], weighted(rng, PARK_KINDS),
               pk <= featured, f"北京市{pk}号", f"{name}园区运营有限公司")


class ParkPlaces:
    """The units of the parks' tenants in `profiles` (a `Profiles`) and their tenancies, as two streams of rows
    (`units`, then `tenancies`) for two COPYs: each park's are drawn from a generator seeded by the park, so the
    second stream draws again exactly what the first drew, and neither is held in memory.

    Tenancies of a unit never overlap: an earlier tenant's ends on or before the current one's start.
    """

    def __init__(self, profiles, seed: int, today: datetime.date):
        self.seed, self.today = seed, today
        self.tenants = defaultdict(lambda: (array("i"), array("B")))  # park -> (pks, statuses), compact
        for index, park_id in enumerate(profiles.park):
            if park_id:
                pks, statuses = self.tenants[park_id]
                pks.append(index + 1)
                statuses.append(profiles.status[index])

    def units(self):
        """Unit rows (pk, park, building, floor, room, area)."""
        for units, _tenancies in self._parks():
            yield from units

    def tenancies(self):
        """Tenancy rows (pk, unit, park, enterprise, start, end, rent)."""
        for _units, tenancies in self._parks():
            yield from tenancies

    def _parks(self):
        """(unit rows, tenancy rows) of each park in turn, numbered on from the parks before."""
        unit_pk = tenancy_pk = 0
        for park_id in sorted(self.tenants):
            units, tenancies = self._park(park_id, unit_pk, tenancy_pk)
            unit_pk += len(units)
            tenancy_pk += len(tenancies)
            yield units, tenancies

    def _park(self, park_id: int, unit_pk: int, tenancy_pk: int) -> tuple[list, list]:
        rng = random.Random(self.seed * 1_000_003 + park_id)
        today = self.today
        pks, statuses = self.tenants[park_id]
        units, tenancies = [], []

        def unit() -> int:
            index = len(units)
            floor = index // ROOMS_PER_FLOOR % FLOORS + 1
            building = index // (ROOMS_PER_FLOOR * FLOORS) + 1
            pk = unit_pk + index + 1
            area = Decimal(round(rng.lognormvariate(5.3, 0.6), 2)).quantize(Decimal("0.01")) + Decimal("10")
            units.append((pk, park_id, *unit_labels(f"{building}号楼", floor, index % ROOMS_PER_FLOOR + 1), area))
            return pk

        def tenancy(unit_id, enterprise_id, start, end):
            start, end = tenancy_period(start, end=end)
            rent = Decimal(round(rng.uniform(3, 12), 2)).quantize(Decimal("0.01"))
            tenancies.append((tenancy_pk + len(tenancies) + 1, unit_id, park_id, enterprise_id, start, end, rent))

        for enterprise_id, status in zip(pks, statuses, strict=True):
            status = STATUSES[status]
            if status == "active" and rng.random() < RENTING_SHARE:
                for _ in range(1 + (rng.random() < SECOND_UNIT_SHARE)):
                    unit_id = unit()
                    start = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
                    end = today + datetime.timedelta(days=rng.randint(1, 730)) if rng.random() < ENDING_SHARE else None
                    if rng.random() < PREVIOUS_TENANT_SHARE:
                        earlier = pks[rng.randrange(len(pks))]
                        tenancy(unit_id, earlier, start - datetime.timedelta(days=rng.randint(365, 1500)),
                                start - datetime.timedelta(days=rng.randint(0, 60)))
                    tenancy(unit_id, enterprise_id, start, end)
            elif status == "moved_out":  # left the park: a tenancy that ended
                end = today - datetime.timedelta(days=rng.randint(30, 700))
                tenancy(unit(), enterprise_id, end - datetime.timedelta(days=rng.randint(200, 1500)), end)
        for _ in range(round(len(units) * VACANT_SHARE) + 1):
            unit()
        return units, tenancies


# branch parksvc: the parks' services and policies, in the demo's shares (enterprises.fakes.PARK_SERVICE_SHARES)
SERVICE_COLUMNS = ("id", "park_id", "kind", "title", "description", "contact", "offered_from", "offered_until",
                   "public")


def park_service_rows(parks: list[tuple[int, str]], rng: random.Random, today: datetime.date):
    """The services of each park (id, kind), drawn as the demo draws them (park_services_offered)."""
    pk = 0
    for park, kind in parks:
        for row in park_services_offered(rng, park_kind=kind, number=park, today=today):
            pk += 1
            yield (pk, park, row["kind"], row["title"], row["description"], row["contact"], row["offered_from"],
                   row["offered_until"], row["public"])
