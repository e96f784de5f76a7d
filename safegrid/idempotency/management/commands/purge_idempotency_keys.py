from django.core.management.base import BaseCommand

from safegrid.idempotency.services import idempotency_purge


class Command(BaseCommand):
    help = "Delete idempotency keys older than SAFEGRID_IDEMPOTENCY_TTL_HOURS (24 h by default)."

    def handle(self, *args, **options):
        deleted = idempotency_purge()
        self.stdout.write(f"{deleted}")
