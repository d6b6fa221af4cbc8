"""Uploaded files staff attach (letter scans, evidence): size and type checked before
anything is stored. The type is read from the file's first bytes, not trusted from its
name or the browser."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Allowed kinds: name shown to the user, file endings, and the bytes the file starts with.
DOCUMENT_KINDS = {
    "pdf": ((".pdf",), (b"%PDF-",)),
    "png": ((".png",), (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": ((".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
}


def validate_document(upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """A PDF or an image (PNG, JPEG) of at most `max_bytes`; ValidationError otherwise."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s."),
            code="too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    name = (upload.name or "").lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for endings, signatures in DOCUMENT_KINDS.values():
        if name.endswith(endings) and head.startswith(signatures):
            return
    raise ValidationError(
        _("Only PDF, PNG and JPEG files are accepted, and the file must really be one."),
        code="wrong_type",
    )
