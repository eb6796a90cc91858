"""Photo evidence: accepted by what the bytes are, not by what the file is called."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gridgov.core.errors import InvalidInput

from .models import Attachment

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PHOTOS_PER_STEP = 9
# Decompression bombs: a small file that decodes to gigapixels. Phones take ~50 MP at most.
MAX_PIXELS = 60_000_000
# Stored photos are re-encoded no larger than this on their long side: enough to read a shop
# sign, small enough for a grid worker's data plan.
STORED_LONG_SIDE = 2560


def max_photo_bytes() -> int:
    return settings.GRIDGOV_MAX_PHOTO_BYTES


def check_photo(upload) -> tuple[Image.Image, str]:
    """Open an uploaded file as an image, or say clearly why it is not one we accept."""
    name = getattr(upload, "name", "") or _("photo")
    if upload.size > max_photo_bytes():
        raise InvalidInput(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": max_photo_bytes() // (1024 * 1024)}
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.verify()  # structure check; the image must be reopened to be used
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(_("%(name)s has too many pixels.") % {"name": name})
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise InvalidInput(
            _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}
        ) from None
    if image.format not in ACCEPTED_FORMATS:
        raise InvalidInput(_("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name})
    return image, ACCEPTED_FORMATS[image.format]


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and ready to store."""

    payload: bytes
    width: int
    height: int
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


def prepare_photos(uploads) -> list[PreparedPhoto]:
    """Check every photo and re-encode it (upright, metadata dropped, size-capped).

    Done before an action's transaction: a bad third photo refuses the whole step before
    anything is written."""
    check_photo_count(uploads)
    prepared = []
    for upload in uploads:
        image, _content_type = check_photo(upload)
        try:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
        except (OSError, ValueError, SyntaxError):  # a broken EXIF block, an odd mode
            raise InvalidInput(
                _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": upload.name}
            ) from None
        prepared.append(
            PreparedPhoto(
                payload=out.getvalue(),
                width=image.width,
                height=image.height,
                original_name=(getattr(upload, "name", "") or "")[:255],
            )
        )
    return prepared


def save_photos(photos: list[PreparedPhoto], *, uploaded_by) -> list[Attachment]:
    """Store prepared photos; called inside the action's transaction."""
    saved = []
    for photo in photos:
        digest = photo.sha256
        attachment = Attachment(
            content_type="image/jpeg",
            size=len(photo.payload),
            width=photo.width,
            height=photo.height,
            sha256=digest,
            original_name=photo.original_name,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
        )
        attachment.file.save(f"{digest[:32]}.jpg", ContentFile(photo.payload), save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def check_photo_count(uploads) -> None:
    if len(uploads) > MAX_PHOTOS_PER_STEP:
        raise InvalidInput(
            _("At most %(count)d photos may be attached to one step.")
            % {"count": MAX_PHOTOS_PER_STEP}
        )
