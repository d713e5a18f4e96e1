from django.urls import path

from . import api

urlpatterns = [
    path("healthz", api.healthz, name="healthz"),
    path("api/models/", api.ModelsView.as_view(), name="models"),
]
