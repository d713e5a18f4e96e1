"""TrainingRun, moved here from recognizer: created in the state on recognizer's existing table (every row kept),
then the table takes this app's name."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("recognizer", "0002_trainingrun_moves_to_training"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='TrainingRun',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('arch', models.CharField(choices=[('cnn', 'cnn'), ('mlp', 'mlp')], max_length=16)),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('rejected', 'Rejected'), ('failed', 'Failed')], db_index=True, default='queued', max_length=16)),
                    ('trigger', models.CharField(choices=[('schedule', 'Schedule'), ('admin', 'Admin'), ('command', 'Command')], max_length=16)),
                    ('executor', models.CharField(help_text='celery (a worker), thread or inline (no Redis)', max_length=16)),
                    ('options', models.JSONField(blank=True, default=dict, help_text='epochs, from_scratch, seed, learning rate')),
                    ('mnist_train_count', models.PositiveIntegerField(blank=True, null=True)),
                    ('drawing_train_count', models.PositiveIntegerField(blank=True, null=True)),
                    ('holdout_count', models.PositiveIntegerField(blank=True, null=True)),
                    ('progress', models.JSONField(blank=True, default=dict, help_text='where training is: step, steps, loss')),
                    ('curve', models.JSONField(blank=True, default=list, help_text='training loss and accuracy as it went')),
                    ('metrics_before', models.JSONField(blank=True, default=dict, help_text='the active model on the test data')),
                    ('metrics_after', models.JSONField(blank=True, default=dict, help_text='the candidate on the same data')),
                    ('reason', models.TextField(blank=True, help_text='one line: why it was promoted, rejected or failed')),
                    ('error', models.TextField(blank=True, help_text='the traceback of a failed run')),
                    ('worker', models.CharField(blank=True, help_text='the Celery node (or process) running it', max_length=255)),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('base_version', models.ForeignKey(blank=True, help_text='the active version when the run started', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='recognizer.modelversion')),
                    ('candidate', models.ForeignKey(blank=True, help_text='the version this run trained', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='runs', to='recognizer.modelversion')),
                    ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'recognizer_trainingrun',
                    'ordering': ['-created_at', '-id'],
                    'permissions': [('trigger_retrain', 'Can start a retraining run')],
                },
            ),
        ]),
        migrations.AlterModelTable(name="trainingrun", table=None),
    ]
