"""WSGI entry point for gunicorn."""
import os

# A web worker reads one small drawing at a time: one BLAS thread is 30x faster than two fighting over a
# busy machine (bench/infer_speed.py). Scale out with more gunicorn workers instead.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.production")
application = get_wsgi_application()
