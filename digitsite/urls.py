"""Top-level URLs: the canvas page, the API, its schema and docs, health, admin."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import schema  # noqa: F401  (registers how the schema names our authentication)

urlpatterns = [
    path("", include("canvas.urls")),
    path("", include("recognizer.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file of its own (?script): no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
         name="api-docs"),
    path("api/facts/", include("facts.urls")),
    path("", include("submissions.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "digitsite.errors.bad_request"
handler403 = "digitsite.errors.permission_denied"
handler404 = "digitsite.errors.not_found"
handler500 = "digitsite.errors.server_error"
