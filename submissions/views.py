"""Visitor pages of stored drawings: their history (and deleting from it), the drawing files (only to their owner
or staff), and what is kept and why."""
import posixpath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from digitsite.domain import NotAllowed, NotFound
from digitsite.visitors import known_visitor

from .deletion import deletable_submission, submission_delete, visitor_drawings_delete
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
    deleted = request.GET.get("deleted", "")
    return render(request, "submissions/history.html",
                  {"page": page, "deleted": int(deleted) if deleted.isdigit() and len(deleted) < 10 else None})


@require_http_methods(["GET", "POST"])
def delete_drawing(request, submission_id: int):
    """GET asks "delete this drawing?"; POST (the form's button) deletes it and goes back to the history."""
    visitor = known_visitor(request)
    try:
        if request.method == "POST":
            submission_delete(submission_id=submission_id, visitor=visitor)
            return HttpResponseRedirect(reverse("submissions:history") + "?deleted=1")
        submission = deletable_submission(submission_id=submission_id, visitor=visitor)
    except NotFound:
        raise Http404("No such drawing.") from None
    except NotAllowed:
        raise PermissionDenied from None
    return render(request, "submissions/delete.html", {"drawing": submission})


@require_http_methods(["GET", "POST"])
def delete_all_drawings(request):
    """GET asks "delete all your drawings?"; POST deletes every one of this visitor's drawings."""
    visitor = known_visitor(request)
    if request.method == "POST":
        count = visitor_drawings_delete(visitor=visitor)
        return HttpResponseRedirect(reverse("submissions:history") + f"?deleted={count}")
    count = Submission.objects.filter(visitor=visitor).count() if visitor else 0
    return render(request, "submissions/delete.html", {"count": count})


@require_GET
def privacy(request):
    return render(request, "submissions/privacy.html", {"retention_days": settings.DRAWING_RETENTION_DAYS})
