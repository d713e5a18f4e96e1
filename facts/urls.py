from django.urls import path

from . import api

urlpatterns = [
    path("<str:number>/", api.FactView.as_view(), name="fact"),
]
