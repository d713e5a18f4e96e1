"""The run's content type (and so the permissions staff were given on runs) and the periodic retrain follow the
model to the training app."""
from django.db import migrations
from django.utils import timezone

TASKS = {"recognizer.scheduled_retrain": "training.tasks.scheduled_retrain",
         "recognizer.run_training": "training.tasks.run_training"}


def move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    old = types.filter(app_label=source, model="trainingrun").first()
    if old is None:
        return  # a new database: post_migrate creates the content type under its new app
    types.filter(app_label=target, model="trainingrun").delete()  # one a post_migrate made meanwhile: no grants yet
    old.app_label = target
    old.save(update_fields=["app_label"])


def rename_tasks(apps, schema_editor, *, names: dict[str, str]) -> None:
    db = schema_editor.connection.alias
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    changed = sum(PeriodicTask.objects.using(db).filter(task=old).update(task=new) for old, new in names.items())
    if changed:  # beat reloads its schedule when this row says something changed
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.using(db).update_or_create(
            ident=1, defaults={"last_update": timezone.now()})


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="recognizer", target="training")
    rename_tasks(apps, schema_editor, names=TASKS)


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="training", target="recognizer")
    rename_tasks(apps, schema_editor, names={new: old for old, new in TASKS.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("training", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
