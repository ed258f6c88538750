from django.core.management.base import BaseCommand, CommandError

from timebank.selectors import ledger_discrepancies


class Command(BaseCommand):
    help = "Recompute every balance from the transfers; check the ledger sums to zero and every limit holds."

    def handle(self, *args, **options):
        problems = list(ledger_discrepancies())
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} discrepancies in the timebank ledger", returncode=1)
        self.stdout.write("ok")
