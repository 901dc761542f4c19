"""Generated compliance filings (rows for COPY), in the demo's proportions per enterprise (seeds/demo.json: 64
filings for 60 enterprises, of each kind as many as there: 18 deep-synthesis and 10 generative-AI algorithm filings,
23 content-security and 13 data-security records), filed over the filing years, a tenth of them cancelled, drawn
among the active enterprises by `hosts` (records.host_sampler: the stronger hold more)."""

import datetime
import random

from enterprises.choices import ALGORITHM_FILINGS, ComplianceKind

from .copying import weighted

FILINGS_PER_ENTERPRISE = 64 / 60
KIND_WEIGHTS = {ComplianceKind.DEEP_SYNTHESIS: 18, ComplianceKind.GENERATIVE_AI: 10,
                ComplianceKind.CONTENT_SECURITY: 23, ComplianceKind.DATA_SECURITY: 13}
COLUMNS = ("id", "enterprise_id", "kind", "service_name", "number", "filed_on", "cancelled_on")


def filing_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """Compliance filings, each of its own service (its id in the name) so the import's key holds; an algorithm
    filing numbered by its id, unique per kind."""
    last = datetime.date(max(years), 12, 31)
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        kind = weighted(rng, KIND_WEIGHTS)
        filed = datetime.date(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28))
        cancelled = min(filed + datetime.timedelta(days=180), last) if rng.random() < 0.1 else None
        number = f"网信算备GEN{pk:09d}号" if kind in ALGORITHM_FILINGS else ""
        yield pk, enterprise, kind, f"数字人服务{pk:06d}", number, filed, cancelled
