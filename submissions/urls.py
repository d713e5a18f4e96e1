"""URLs of stored drawings: feedback API, a visitor's history and drawing files (the staff pages are the admin's)."""
from django.urls import path, register_converter

from . import api, views


class SubmissionIdConverter:
    """A database id: at most 18 digits, so it always fits a 64-bit integer column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SubmissionIdConverter, "submission_id")

app_name = "submissions"
urlpatterns = [
    path("api/submissions/", api.SubmissionsView.as_view(), name="submissions"),
    path("api/submissions/<submission_id:submission_id>/", api.SubmissionView.as_view(), name="submission"),
    path("api/submissions/<submission_id:submission_id>/feedback/", api.FeedbackView.as_view(), name="feedback"),
    path("history/<submission_id:submission_id>/delete/", views.delete_drawing, name="delete"),
    path("history/delete/", views.delete_all_drawings, name="delete_all"),
    path("privacy/", views.privacy, name="privacy"),
    path("history/", views.history, name="history"),
    path("submissions/<submission_id:submission_id>/image", views.submission_image, name="image"),
]
