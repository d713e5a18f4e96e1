from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", api.healthz, name="healthz"),
    path("api/models/", api.ModelsView.as_view(), name="models"),
]
