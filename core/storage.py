"""Where private files live: approval letter scans, progress evidence, meeting attachments.

They are kept outside MEDIA_ROOT, so no web server configured to serve media can hand them
out; each is read only through a permission-checked view of the app that owns it.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    location = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or (
        Path(settings.MEDIA_ROOT).parent / "private"
    )
    return FileSystemStorage(location=location, base_url=None)
