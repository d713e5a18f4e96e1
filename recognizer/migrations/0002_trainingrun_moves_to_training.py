"""TrainingRun moved to the training app: it leaves recognizer's state only; its table and rows stay (training 0001)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("recognizer", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="TrainingRun")]),
    ]
