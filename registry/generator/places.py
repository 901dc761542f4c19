"""Generated parks, their units and the tenancies of their tenants (rows for COPY).

Parks scale with the city at one per ENTERPRISES_PER_PARK enterprises (a real park hosts hundreds of firms; the
demo's 9 parks for 60 enterprises would give 15,000 parks at 100,000). Units and tenancies follow the demo's
proportions: most enterprises registered with a park rent space there, some a second unit, a unit's earlier
tenant left before the current one moved in, and about one unit in nine stands empty.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from enterprises.fakes import tenancy_period, unit_labels
from parks.choices import ParkKind

from .copying import weighted

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


def unit_and_tenancy_rows(profiles: list, rng: random.Random, today: datetime.date) -> tuple[list, list]:
    """(unit rows, tenancy rows) for the parks' tenants in `profiles` (pk, quality, year, district, park, status).

    Tenancies of a unit never overlap: an earlier tenant's ends on or before the current one's start.
    """
    tenants = defaultdict(list)
    for pk, _quality, _year, _district, park_id, status in profiles:
        if park_id is not None:
            tenants[park_id].append((pk, status))
    units, tenancies = [], []

    def unit(park_id: int) -> int:
        index = len(park_units[park_id])
        floor = index // ROOMS_PER_FLOOR % FLOORS + 1
        building = index // (ROOMS_PER_FLOOR * FLOORS) + 1
        pk = len(units) + 1
        area = Decimal(round(rng.lognormvariate(5.3, 0.6), 2)).quantize(Decimal("0.01")) + Decimal("10")
        units.append((pk, park_id, *unit_labels(f"{building}号楼", floor, index % ROOMS_PER_FLOOR + 1), area))
        park_units[park_id].append(pk)
        return pk

    def tenancy(unit_id, park_id, enterprise_id, start, end):
        start, end = tenancy_period(start, end=end)
        rent = Decimal(round(rng.uniform(3, 12), 2)).quantize(Decimal("0.01"))
        tenancies.append((len(tenancies) + 1, unit_id, park_id, enterprise_id, start, end, rent))

    park_units = defaultdict(list)
    for park_id, members in sorted(tenants.items()):
        for enterprise_id, status in members:
            if status == "active" and rng.random() < RENTING_SHARE:
                for _ in range(1 + (rng.random() < SECOND_UNIT_SHARE)):
                    unit_id = unit(park_id)
                    start = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
                    end = today + datetime.timedelta(days=rng.randint(1, 730)) if rng.random() < ENDING_SHARE else None
                    if rng.random() < PREVIOUS_TENANT_SHARE:
                        earlier = rng.choice(members)[0]
                        tenancy(unit_id, park_id, earlier, start - datetime.timedelta(days=rng.randint(365, 1500)),
                                start - datetime.timedelta(days=rng.randint(0, 60)))
                    tenancy(unit_id, park_id, enterprise_id, start, end)
            elif status == "moved_out":  # left the park: a tenancy that ended
                end = today - datetime.timedelta(days=rng.randint(30, 700))
                tenancy(unit(park_id), park_id, enterprise_id, end - datetime.timedelta(days=rng.randint(200, 1500)),
                        end)
        for _ in range(round(len(park_units[park_id]) * VACANT_SHARE) + 1):
            unit(park_id)
    return units, tenancies
