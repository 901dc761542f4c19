"""manage.py seed: load the districts, the plan's targets, (unless --no-demo) the demo data, and the demo accounts
with their public passwords only when asked for (--demo-accounts, or the setting DEMO_ACCOUNTS)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from registry import seeding


class Command(BaseCommand):
    help = (
        "Load the Beijing districts and the plan's targets, and unless --no-demo the fictional demo data set; the "
        "demo accounts (public passwords) only with --demo-accounts or the setting DEMO_ACCOUNTS (on in the local "
        "settings only). Idempotent: a record whose values already match is not saved again."
    )

    def add_arguments(self, parser):
        """Add --no-demo and --demo-accounts."""
        parser.add_argument(
            "--no-demo", action="store_true", help="Load only the reference data (districts and plan targets).",
        )
        parser.add_argument(
            "--demo-accounts", action="store_true",
            help="Also create the demo accounts, whose passwords are public (the setting DEMO_ACCOUNTS does too).",
        )

    def handle(self, *args, no_demo=False, demo_accounts=False, **options):
        """Load everything in one transaction, then print a summary per model and the demo accounts."""
        tally = seeding.new_tally()
        accounts = []
        with_accounts = not no_demo and (demo_accounts or settings.DEMO_ACCOUNTS)
        with transaction.atomic():
            seeding.load_districts(tally=tally)
            seeding.load_plan_targets(tally=tally)
            if not no_demo:
                seeding.load_demo(tally=tally)
            if with_accounts:
                accounts = seeding.load_demo_accounts(tally=tally)
        for model, counts in tally.items():
            self.stdout.write(
                f"{model}: {counts[seeding.CREATED]} created, {counts[seeding.UPDATED]} updated, "
                f"{counts[seeding.UNCHANGED]} unchanged"
            )
        if accounts:
            self.write_accounts(accounts)
        elif not no_demo:
            self.stdout.write("\nNo demo accounts created (their passwords are public): pass --demo-accounts or set "
                              "DEMO_ACCOUNTS=true to create them.")

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
