"""python manage.py purge_drawings [--dry-run] [--days N]: delete drawings past retention, as the nightly task does."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from submissions.deletion import drawings_purge, expired_drawings


class Command(BaseCommand):
    help = ("Delete drawings older than DRAWING_RETENTION_DAYS that no staff member has labelled (with their labels "
            "and files); --dry-run shows what would go.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")
        parser.add_argument("--days", type=int, default=None,
                            help=f"retention in days (default DRAWING_RETENTION_DAYS, now {settings.DRAWING_RETENTION_DAYS})")

    def handle(self, *args, dry_run, days, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        days = settings.DRAWING_RETENTION_DAYS if days is None else days
        if dry_run:
            expired = expired_drawings(days=days).order_by("created_at", "id")
            for drawing in expired.only("id", "number", "created_at").iterator():
                self.stdout.write(f"#{drawing.pk} read {drawing.number}, made {drawing.created_at:%Y-%m-%d %H:%M}")
            self.stdout.write(f"would delete {expired.count()} drawing(s) older than {days} days with no staff label")
            return
        self.stdout.write(f"deleted {drawings_purge(days=days)} drawing(s) older than {days} days with no staff label")
