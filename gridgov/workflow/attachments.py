"""Photo evidence: accepted by what the bytes are, not by what the file is called.

Decoding, checking, re-encoding and storing a photo take seconds for a large one, so they are
done before any transaction opens (on SQLite a transaction holds the one write lock): the
transaction only inserts the rows that point at files already stored. A file whose request is
refused or rolled back is deleted when the request can tell, or by `purge_orphan_photos` (run
hourly by the housekeeping task) otherwise.
"""

import contextlib
import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gridgov.core.errors import InvalidInput

from .models import Attachment

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PHOTOS_PER_STEP = 9
# Decompression bombs: a small file that decodes to gigapixels. Phones take ~50 MP at most.
MAX_PIXELS = 60_000_000
# And for all the photos of one request together: decoding costs memory and time by the pixel
# (nine 12 MP phone photos fit; nine 60 MP ones would hold a web worker for many seconds).
MAX_PIXELS_PER_REQUEST = 120_000_000
# A stored file that no row points at after this long belongs to a request that was refused
# or rolled back (a request lives two minutes at most: gunicorn's timeout).
ORPHAN_AGE = timedelta(hours=1)
PHOTO_FIELDS = ("photos", "media")  # the form fields that carry photos, in every upload path
logger = logging.getLogger(__name__)
# Stored photos are re-encoded no larger than this on their long side: enough to read a shop
# sign, small enough for a grid worker's data plan.
STORED_LONG_SIDE = 2560

# Rows other than a step's that hold photos through a many-to-many to Attachment (a door-knocking
# visit's, say): the photo view shows such a photo to whoever may see one of its rows (scoped),
# as it shows a step's photo to whoever may see the step's item. Apps add theirs at start-up.
PHOTO_HOLDERS: list[tuple[type, str]] = []


def register_photo_holder(model, field: str = "photos") -> None:
    """`model`'s `field` holds photos, seen by whoever may see its row."""
    if (model, field) not in PHOTO_HOLDERS:
        PHOTO_HOLDERS.append((model, field))


def max_photo_bytes() -> int:
    return settings.GRIDGOV_MAX_PHOTO_BYTES


def _not_a_photo(name: str) -> InvalidInput:
    return InvalidInput(_("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name})


def _name(upload) -> str:
    return getattr(upload, "name", "") or _("photo")


def open_photo(upload) -> Image.Image:
    """Open an uploaded file as an image, or say clearly why it is not one we accept.

    Only the header is read (and the file's structure checked): the pixels are decoded later,
    once every photo of the request is known to fit the pixel budget."""
    name = _name(upload)
    if upload.size > max_photo_bytes():
        raise InvalidInput(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": max_photo_bytes() // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.verify()  # structure check; the image must be reopened to be used
            image = Image.open(io.BytesIO(data))
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise _not_a_photo(name) from None
    if image.format not in ACCEPTED_FORMATS:
        raise _not_a_photo(name)
    if image.width * image.height > MAX_PIXELS:
        raise InvalidInput(_("%(name)s has too many pixels.") % {"name": name})
    return image


def check_photo(upload) -> tuple[Image.Image, str]:
    """A photo opened and decoded, with its content type (see open_photo)."""
    image = open_photo(upload)
    _decode(image, _name(upload))
    return image, ACCEPTED_FORMATS[image.format]


def _decode(image: Image.Image, name: str) -> None:
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_a_photo(name) from None


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, re-encoded and stored (`stored_name` in the default storage), waiting
    for the row that points at it."""

    payload: bytes
    width: int
    height: int
    original_name: str
    stored_name: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


# Set on an uploaded file once prepared: a second call (inside the action, after the request
# prepared its photos before the transaction) is then free, and so is a refusal.
_PREPARED = "_gridgov_prepared_photo"
_REFUSED = "_gridgov_photo_refused"


def prepare_photos(uploads) -> list[PreparedPhoto]:
    """Check every photo, re-encode it (upright, metadata dropped, size-capped) and store it.

    Called before an action's transaction: a bad third photo refuses the whole step before
    anything is written, and what is stored for a refused step is deleted again. Photos that
    were prepared already (see prepare_request_photos) are not decoded again."""
    uploads = list(uploads)
    check_photo_count(uploads)
    for upload in uploads:
        refused = getattr(upload, _REFUSED, None)
        if refused is not None:
            raise refused
    if all(hasattr(upload, _PREPARED) for upload in uploads):
        return [getattr(upload, _PREPARED) for upload in uploads]
    try:
        prepared = _prepare_all(uploads)
    except InvalidInput as refusal:
        for upload in uploads:
            setattr(upload, _REFUSED, refusal)
        raise
    for upload, photo in zip(uploads, prepared, strict=True):
        setattr(upload, _PREPARED, photo)
    return prepared


def _prepare_all(uploads) -> list[PreparedPhoto]:
    # Every header first: a request over the pixel budget is refused before any decoding.
    images = [open_photo(upload) for upload in uploads]
    if sum(image.width * image.height for image in images) > MAX_PIXELS_PER_REQUEST:
        raise InvalidInput(
            _("The photos have too many pixels together (at most %(mp)d megapixels).")
            % {"mp": MAX_PIXELS_PER_REQUEST // 1_000_000}
        )
    prepared = []
    try:
        for upload, image in zip(uploads, images, strict=True):
            prepared.append(_store(_reencoded(image, _name(upload)), upload))
            images[len(prepared) - 1] = None  # let the decoded pixels go before the next one
    except Exception:
        discard_photos(prepared)
        raise
    return prepared


def _reencoded(image: Image.Image, name: str) -> Image.Image:
    # A JPEG can be decoded straight at a fraction of its size: only what is stored is decoded.
    image.draft(image.mode, (STORED_LONG_SIDE, STORED_LONG_SIDE))
    _decode(image, name)
    try:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    except (OSError, ValueError, SyntaxError):  # a broken EXIF block, an odd mode
        raise _not_a_photo(name) from None
    return image


def _store(image: Image.Image, upload) -> PreparedPhoto:
    out = io.BytesIO()
    try:
        image.save(out, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError):
        raise _not_a_photo(_name(upload)) from None
    payload = out.getvalue()
    digest = hashlib.sha256(payload).hexdigest()
    field = Attachment._meta.get_field("file")
    name = field.generate_filename(None, f"{digest[:32]}.jpg")
    stored_name = default_storage.save(name, ContentFile(payload))
    return PreparedPhoto(
        payload=payload,
        width=image.width,
        height=image.height,
        original_name=(getattr(upload, "name", "") or "")[:255],
        stored_name=stored_name,
    )


def save_photos(photos: list[PreparedPhoto], *, uploaded_by) -> list[Attachment]:
    """The rows of prepared photos; called inside the action's transaction. The files are
    stored already, so this only inserts."""
    saved = []
    for photo in photos:
        attachment = Attachment(
            content_type="image/jpeg",
            size=len(photo.payload),
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            original_name=photo.original_name,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
        )
        if photo.stored_name:
            attachment.file.name = photo.stored_name
        else:  # prepared by hand (the demo, a test): stored here
            attachment.file.save(f"{photo.sha256[:32]}.jpg", ContentFile(photo.payload), save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def check_photo_count(uploads) -> None:
    if len(uploads) > MAX_PHOTOS_PER_STEP:
        raise InvalidInput(
            _("At most %(count)d photos may be attached to one step.")
            % {"count": MAX_PHOTOS_PER_STEP}
        )


# --- Before the transaction, and after the request ------------------------------------------


def prepare_request_photos(files) -> list:
    """Prepare a request's photos now, before a transaction opens; returns the uploads.

    A refusal is not raised here but kept on the uploads, and raised when the action asks for
    the photos: the action decides in what order it checks its input."""
    uploads = []
    for field in PHOTO_FIELDS:
        group = files.getlist(field) if files is not None and hasattr(files, "getlist") else []
        if group:
            with contextlib.suppress(InvalidInput):
                prepare_photos(group)
            uploads.extend(group)
    return uploads


def discard_unused_photos(uploads) -> None:
    """Delete the stored files of prepared uploads that no row points at (the request was
    refused, rolled back, or replayed)."""
    photos = [getattr(u, _PREPARED) for u in uploads if hasattr(u, _PREPARED)]
    names = [photo.stored_name for photo in photos if photo.stored_name]
    if not names:
        return
    try:
        used = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    except DatabaseError:  # the database is away: the hourly purge deletes them later
        logger.warning("Could not tell which photos a request used", exc_info=True)
        return
    discard_photos([photo for photo in photos if photo.stored_name not in used])


def discard_photos(photos: list[PreparedPhoto]) -> None:
    for photo in photos:
        if photo.stored_name:
            default_storage.delete(photo.stored_name)


def purge_orphan_photos(*, now=None, folder: str = "photos") -> int:
    """Delete stored photo files older than ORPHAN_AGE that no attachment points at: what a
    request stored and then could not use (a refusal, a rollback, a killed process)."""
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    deleted = 0
    for batch in _old_files(folder, cutoff):
        used = set(Attachment.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name not in used:
                default_storage.delete(name)
                deleted += 1
    if deleted:
        logger.info("Deleted %d photo files that no attachment used.", deleted)
    return deleted


def _old_files(folder: str, cutoff, batch_size: int = 500):
    batch = []
    for name in _walk(folder):
        try:
            modified = default_storage.get_modified_time(name)
        except (FileNotFoundError, OSError):
            continue
        if modified < cutoff:
            batch.append(name)
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def _walk(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(os.path.join(folder, sub).replace(os.sep, "/"))
