"""DatabaseStorage: a Django storage backend that keeps files in the StoredFile table.

Set DRAWINGS_STORAGE=database when web processes run on more than one machine and there is no object store: a
drawing stored through one machine is then served by any other. Files are written in the caller's transaction,
so a drawing's file and its row are committed (or rolled back) together.
"""
from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from .models import StoredFile


@deconstructible(path="submissions.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def _save(self, name: str, content) -> str:
        raw = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        StoredFile.objects.create(name=name, content=raw, size=len(raw))
        return name

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        if "w" in mode or "a" in mode:
            raise ValueError("DatabaseStorage opens files for reading only; save() writes them")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.rstrip("/") + "/" if path else ""
        folders, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True).iterator():
            head, _, rest = name[len(prefix):].partition("/")
            if rest:
                folders.add(head)
            else:
                files.append(head)
        return sorted(folders), sorted(files)

    def get_modified_time(self, name: str):
        modified = StoredFile.objects.filter(name=name).values_list("modified_at", flat=True).first()
        if modified is None:
            raise FileNotFoundError(name)
        return modified

    def url(self, name: str) -> str:
        raise NotImplementedError("drawings are streamed by the submission_image view, never linked directly")

    def path(self, name: str) -> str:
        raise NotImplementedError("files in the database have no path on disk")
