from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", api.healthz, name="healthz"),
    path("api/recognize/", api.RecognizeView.as_view(), name="recognize"),
    path("api/models/", api.ModelsView.as_view(), name="models"),
]
