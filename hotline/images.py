"""Photos from the public, units and MMS: checked, re-encoded small, stripped of metadata.

Pillow decides what an upload is (not its name or its Content-Type), so a renamed
script or a truncated file is refused with a clear message; what is stored is always
a fresh JPEG at most PHOTO_MAX_SIDE pixels long, with no EXIF (phones write the GPS
position of the picture there).
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# MPO: a JPEG with extra pictures appended, as many phones save their photos (only the first is kept)
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
# refuse decompression bombs well before Pillow's own (warning-only) limit
MAX_PIXELS = 40_000_000


def max_bytes():
    return settings.HOTLINE["PHOTO_MAX_BYTES"]


def clean_photo(data, *, name="photo"):
    """A checked, re-encoded JPEG (a ContentFile) from the bytes or file `data`; ValidationError if not a photo."""
    if isinstance(data, bytes):
        raw = data
    else:  # an upload: never read more than one byte past the limit
        data.seek(0)
        raw = data.read(max_bytes() + 1)
    if len(raw) > max_bytes():
        raise ValidationError(
            _("图片“%(name)s”太大（不超过 %(limit)s MB）。") % {"name": name, "limit": max_bytes() // (1024 * 1024)},
            code="too_large",
        )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("“%(name)s”不是可以识别的图片。") % {"name": name}, code="not_image") from None
    if kind not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("图片“%(name)s”的格式不支持，请上传 JPG、PNG、WEBP 或 GIF。") % {"name": name}, code="bad_format"
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("图片“%(name)s”尺寸过大。") % {"name": name}, code="too_many_pixels")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
            image.thumbnail((settings.HOTLINE["PHOTO_MAX_SIDE"],) * 2)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("“%(name)s”不是可以识别的图片。") % {"name": name}, code="not_image") from None
    return ContentFile(out.getvalue(), name="photo.jpg")

