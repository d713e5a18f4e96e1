from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/recognize/", api.RecognizeView.as_view(), name="recognize"),
]
