"""warm_facts FIRST LAST: fills the fact cache from the Numbers API in batch requests, politely and resumably."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitsite.progress import ProgressBar
from facts import client, services
from facts.models import MAX_NUMBER, NumberFact


class Command(BaseCommand):
    help = ("Asks the Numbers API for the facts of FIRST..LAST (inclusive) in batch requests of up to "
            f"{client.BATCH_LIMIT} numbers and stores them; numbers already stored are skipped, so running it "
            "again resumes where it stopped.")

    def add_arguments(self, parser):
        parser.add_argument("first", type=int)
        parser.add_argument("last", type=int)
        parser.add_argument("--kind", choices=NumberFact.Kind.values, default=NumberFact.Kind.TRIVIA)
        parser.add_argument("--rate", type=float, default=1.0, help="requests per second at most (default 1)")
        parser.add_argument("--chunk", type=int, default=client.BATCH_LIMIT,
                            help=f"numbers per batch request, 1 to {client.BATCH_LIMIT} (default {client.BATCH_LIMIT})")

    def handle(self, *, first: int, last: int, kind: str, rate: float, chunk: int, **options):
        if not 0 <= first <= last <= MAX_NUMBER:
            raise CommandError(f"FIRST and LAST must satisfy 0 <= FIRST <= LAST <= {MAX_NUMBER}.")
        if not rate > 0:
            raise CommandError("--rate must be above 0 requests per second.")
        if not 1 <= chunk <= client.BATCH_LIMIT:
            raise CommandError(f"--chunk must be from 1 to {client.BATCH_LIMIT}.")
        bar = ProgressBar(last - first + 1, stream=self.stdout, label=f"{kind} facts ")
        stored = skipped = requests = 0
        next_request_at = time.monotonic()
        for start in range(first, last + 1, chunk):
            numbers = range(start, min(start + chunk, last + 1))
            missing = services.facts_missing(numbers=numbers, kind=kind)
            skipped += len(numbers) - len(missing)
            if missing:
                time.sleep(max(0.0, next_request_at - time.monotonic()))
                next_request_at = time.monotonic() + 1 / rate
                try:
                    stored += len(services.facts_fetch_batch(numbers=missing, kind=kind))
                except client.FactsUnavailable as exc:
                    bar.close()
                    raise CommandError(
                        f"The Numbers API at {settings.NUMBERS_API_URL} is unavailable ({exc}). Stored {stored} "
                        "facts before it failed; run the same command again to resume.") from None
                requests += 1
            bar.update(numbers.stop - first, f"{stored} stored, {skipped} already there")
        bar.close()
        self.stdout.write(f"Stored {stored} {kind} facts in {requests} requests; {skipped} were stored already.")
