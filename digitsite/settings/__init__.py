"""Settings package: base (shared), local (make run), test (pytest), production (gunicorn)."""
