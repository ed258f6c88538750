from django.core.management.base import BaseCommand

from nlu.retention import retention_apply


class Command(BaseCommand):
    help = "Delete what is kept past its time (NLU_RETAIN_* settings), as beat's daily task does; print the counts."

    def handle(self, *args, **options):
        for name, count in retention_apply().items():
            self.stdout.write(f"{name}: {count}")
