"""Top-level URLs: the canvas page, the API, its schema and docs, health, admin."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("recognizer.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/facts/", include("facts.urls")),
    path("", include("submissions.urls")),
    path("admin/", admin.site.urls),
]
