"""The fact cache: one Numbers API answer per (number, kind), kept as the site's own fact library."""
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

# The largest number the site reads and asks about: a drawing of up to 18 digits, or 10^18 itself.
MAX_NUMBER = 10**18


class NumberFact(models.Model):
    class Kind(models.TextChoices):
        TRIVIA = "trivia"
        MATH = "math"
        DATE = "date"
        YEAR = "year"

    class Source(models.TextChoices):
        NUMBERSAPI = "numbersapi", "Numbers API"
        COMPUTED = "computed"

    number = models.PositiveBigIntegerField(validators=[MaxValueValidator(MAX_NUMBER)])
    kind = models.CharField(max_length=6, choices=Kind.choices)
    text = models.TextField()
    found = models.BooleanField(help_text="False when the Numbers API has no fact for this number and kind")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.NUMBERSAPI)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["number", "kind"], name="facts_one_fact_per_number_and_kind"),
            models.CheckConstraint(condition=models.Q(number__lte=MAX_NUMBER), name="facts_number_at_most_10_18"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.kind}): {self.text}"
