"""Visitor pages of stored drawings: their history, and the drawing files, shown only to their owner or staff."""
import posixpath

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from digitsite.visitors import known_visitor

from .models import Submission

CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
HISTORY_PAGE_SIZE = 30


def is_staff_viewer(user) -> bool:
    return bool(user.is_active and user.is_staff and (user.has_perm("submissions.view_submission")
                                                       or user.has_perm("submissions.change_submission")))


@require_GET
def submission_image(request, submission_id: int):
    """The stored drawing, streamed from storage: MEDIA_ROOT itself is never served."""
    submission = get_object_or_404(Submission.objects.only("id", "image", "visitor"), pk=submission_id)
    if not (is_staff_viewer(request.user) or submission.visitor == known_visitor(request)):
        raise PermissionDenied
    try:
        file = default_storage.open(submission.image.name, "rb")
    except FileNotFoundError:
        raise Http404("The drawing's file is missing.") from None
    extension = posixpath.splitext(submission.image.name)[1].lower()
    response = FileResponse(file, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def history(request):
    visitor = known_visitor(request)        # reading the page never creates a session
    drawings = (Submission.objects.with_labels().filter(visitor=visitor).defer("inputs").order_by("-created_at", "-id")
                if visitor else Submission.objects.none())
    page = Paginator(drawings, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "submissions/history.html", {"page": page})
