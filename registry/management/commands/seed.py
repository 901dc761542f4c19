"""manage.py seed: load the districts, the plan's targets and (unless --no-demo) the demo data and accounts."""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry import seeding


class Command(BaseCommand):
    help = (
        "Load the Beijing districts and the plan's targets, and unless --no-demo the fictional demo data set and "
        "demo accounts. Idempotent: a record whose values already match is not saved again."
    )

    def add_arguments(self, parser):
        """Add --no-demo."""
        parser.add_argument(
            "--no-demo", action="store_true", help="Load only the reference data (districts and plan targets).",
        )

    def handle(self, *args, no_demo=False, **options):
        """Load everything in one transaction, then print a summary per model and the demo accounts."""
        tally = seeding.new_tally()
        accounts = []
        with transaction.atomic():
            seeding.load_districts(tally=tally)
            seeding.load_plan_targets(tally=tally)
            if not no_demo:
                seeding.load_demo(tally=tally)
                accounts = seeding.load_demo_accounts(tally=tally)
        for model, counts in tally.items():
            self.stdout.write(
                f"{model}: {counts[seeding.CREATED]} created, {counts[seeding.UPDATED]} updated, "
                f"{counts[seeding.UNCHANGED]} unchanged"
            )
        if accounts:
            self.write_accounts(accounts)

    def write_accounts(self, accounts: list[tuple[str, str, str]]) -> None:
        """Print the demo accounts as a table (passwords are the ones set when each account was created)."""
        rows = [("username", "password", "role"), *accounts]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("\nDemo accounts (password as set on creation; not reset if changed since):")
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(f"  {line}".rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
