"""manage.py generate_city: replace the registry's data by a generated city of N enterprises (benchmarks)."""

from django.core.management.base import BaseCommand, CommandError

from enterprises.models import Enterprise
from registry.generator import city_generate


class Command(BaseCommand):
    help = (
        "Replace the registry's data (all but districts, plan targets and user accounts) by a generated city: "
        "N enterprises with valid credit codes, five years of approved filings, tier designations, parks, units, "
        "tenancies, labs, platforms and benchmark projects, loaded with COPY. Park administrators and enterprise "
        "users (the demo accounts too) are moved to a generated park or enterprise of the same district. For "
        "benchmarks, never production."
    )

    def add_arguments(self, parser):
        """Add --enterprises, --years, --seed and --replace."""
        parser.add_argument("--enterprises", type=int, default=100_000, help="enterprises (default 100000)")
        parser.add_argument("--years", type=int, default=5, help="years of filings up to last year (default 5)")
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument(
            "--replace", action="store_true", help="Empty a registry that already holds enterprises first.",
        )

    def handle(self, *args, enterprises, years, seed, replace, **options):
        """Generate the city in one transaction and print the rows and seconds per table."""
        if enterprises < 100 or not 1 <= years <= 20:
            raise CommandError("--enterprises must be at least 100 and --years between 1 and 20.")
        if not replace and Enterprise.objects.exists():
            raise CommandError("The registry holds enterprises; --replace empties it (with its history) first.")
        result = city_generate(enterprises=enterprises, years=years, seed=seed, log=self.stdout.write)
        self.stdout.write(
            f"Generated {enterprises:,} enterprises, filings of {result['years'][0]}-{result['years'][-1]}, in "
            f"{result['seconds']['total']:.1f} s (ANALYZE {result['seconds']['analyze']:.1f} s)."
        )
