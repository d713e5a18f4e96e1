"""python manage.py sweep_media: delete drawing files that no submission references."""
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from submissions.services import unreferenced_files


class Command(BaseCommand):
    help = "Delete submission image files that no row references (left by a process killed mid-write)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=3600, help="seconds (default 3600)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than, dry_run, **options):
        files = unreferenced_files(older_than_seconds=older_than)
        for name in files:
            if not dry_run:
                default_storage.delete(name)
        self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {len(files)} unreferenced file(s)")
