"""The generated enterprises' hidden profiles, kept in compact arrays (about 20 bytes an enterprise, not a list of
a million tuples): what the filings, units, tenancies, designations and records are drawn from."""

from array import array

STATUSES = ("active", "moved_out", "deregistered")


class Profiles:
    """Profiles (pk, quality, founding year, district id, park id or None, status) of enterprises 1..n, appended in
    pk order; iterating or slicing gives them back as tuples, made on the fly."""

    def __init__(self):
        self.quality, self.founded = array("d"), array("H")
        self.district, self.park, self.status = array("i"), array("i"), array("B")

    def append(self, profile: tuple) -> None:
        """Add the next enterprise's profile (its pk must be the next one)."""
        pk, quality, founded, district, park, status = profile
        if pk != len(self.quality) + 1:
            raise ValueError(f"profile {pk} out of order")
        self.quality.append(quality)
        self.founded.append(founded)
        self.district.append(district)
        self.park.append(park or 0)
        self.status.append(STATUSES.index(status))

    def __len__(self) -> int:
        return len(self.quality)

    def rows(self, start: int = 0, stop: int | None = None):
        """The profiles of positions start..stop (pk = position + 1) as tuples."""
        for index in range(start, len(self) if stop is None else min(stop, len(self))):
            yield (index + 1, self.quality[index], self.founded[index], self.district[index],
                   self.park[index] or None, STATUSES[self.status[index]])

    def __iter__(self):
        return self.rows()
