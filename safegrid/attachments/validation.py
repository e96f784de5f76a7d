"""Checking an upload before anything is written (no database).

The type is sniffed from the content: the client's file name and content type are never trusted.
Images (JPEG, PNG, WebP) are decoded with Pillow under a pixel limit and re-encoded from their
pixels alone, so what is stored is a plain picture: orientation applied, no EXIF/GPS, XMP, ICC,
comments or trailing bytes (a JPEG/HTML polyglot comes out as just the JPEG). PDFs are recognised
by their magic bytes and kept as sent; they are only ever served as downloads.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from .choices import EXTENSIONS, JPEG, PDF, PNG, WEBP

MiB = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 10 * MiB
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 85
MAX_NAME_LENGTH = 200

WRONG_TYPE = gettext_lazy("只能上传 JPEG、PNG、WebP 图片或 PDF 文件。")
EMPTY = gettext_lazy("不能上传空文件。")
MISSING = gettext_lazy("请选择要上传的文件。")

_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}
# Characters that mean something to a file system, a shell or a header; control characters go too.
_UNSAFE_NAME_CHARS = re.compile(r'[\\/:*?"<>|;\x00-\x1f\x7f]')


@dataclass(frozen=True)
class CleanUpload:
    """What will be stored: the clean bytes and the facts derived from them."""

    data: bytes
    content_type: str
    extension: str
    original_name: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None

    @property
    def is_image(self) -> bool:
        return self.width is not None


def max_upload_bytes() -> int:
    return int(getattr(settings, "SAFEGRID_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def max_image_pixels() -> int:
    return int(getattr(settings, "SAFEGRID_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def _megabytes(limit: int) -> str:
    return f"{limit / MiB:g} MB" if limit >= MiB else f"{limit / 1024:g} KB"


def too_large_message(limit: int | None = None) -> str:
    return _("文件超过 %(limit)s 上限。") % {
        "limit": _megabytes(max_upload_bytes() if limit is None else limit)
    }


def _invalid(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _read_bounded(upload, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to tell "too large" without reading a huge file into memory."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _invalid(too_large_message(limit))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _invalid(too_large_message(limit))
    return data


def sanitise_name(name: str | None, extension: str) -> str:
    """A display name for the file: the last path component of what the client sent, without
    control or path characters or leading dots, ending in the extension of the type actually found
    (so a PDF called "x.html" is downloaded as "x.pdf"), at most 200 characters."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    keep_ext = ext.lower() in ({"jpg", "jpeg"} if extension == "jpg" else {extension})
    suffix = f".{ext.lower() if keep_ext else extension}"
    stem = stem.strip() or _("附件")
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _clean_image(data: bytes) -> tuple[bytes, str, int, int] | None:
    """(clean bytes, content type, width, height), or None when the bytes are no accepted image.

    Raises the Chinese "too many pixels" error for a decompression bomb, decided from the header
    before any pixel is decoded."""
    limit = max_image_pixels()
    try:
        with Image.open(io.BytesIO(data), formats=list(_PIL_FORMATS)) as probe:
            fmt = probe.format
            width, height = probe.size
            if width * height > limit:
                raise _invalid(_bomb_message(limit))
            probe.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard (far above ours) fires in open() for absurd headers.
        raise _invalid(_bomb_message(limit)) from exc
    except Exception:  # Pillow raises many types on hostile input; all mean "not an accepted image"
        return None
    if fmt not in _PIL_FORMATS:
        return None
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as source:
            source.load()
            oriented = _oriented(source)
        clean = _pixels_only(oriented, fmt)
        out = io.BytesIO()
        if fmt == "JPEG":
            clean.save(out, "JPEG", quality=JPEG_QUALITY)
        elif fmt == "WEBP":
            clean.save(out, "WEBP", quality=JPEG_QUALITY)
        else:
            clean.save(out, "PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _invalid(_bomb_message(limit)) from exc
    except Exception:  # a truncated or corrupt body fails only when it is decoded
        return None
    return out.getvalue(), _PIL_FORMATS[fmt], clean.width, clean.height


def _oriented(image: Image.Image) -> Image.Image:
    """The picture the way the camera held it (EXIF orientation applied); an unreadable EXIF block
    is ignored rather than refusing an otherwise good photo."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF in a decodable image: keep the pixels as stored
        return image.copy()


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only the pixels: no info dict, EXIF, XMP, ICC profile or comment can
    follow it into the saved file (Pillow's savers read some of these from `im.info`)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if fmt == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    elif has_alpha:
        mode = "RGBA"
    else:
        mode = "L" if image.mode in ("L", "1") else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _bomb_message(limit: int) -> str:
    return _("图片像素过多（上限 %(limit)s 万像素），请缩小后再上传。") % {"limit": f"{limit / 10_000:g}"}


def clean_upload(upload) -> CleanUpload:
    """Check one uploaded file and return what to store; raise ValidationError({"file": …}) in Chinese.

    Order: presence, size (before reading more than the limit), emptiness, type from the content,
    then for images the pixel limit, a full decode and a metadata-free re-encode."""
    if upload is None:
        raise _invalid(MISSING)
    data = _read_bounded(upload, max_upload_bytes())
    if not data:
        raise _invalid(EMPTY)
    client_name = os.fspath(getattr(upload, "name", "") or "")
    if data.startswith(b"%PDF-"):
        return CleanUpload(
            data=data,
            content_type=PDF,
            extension=EXTENSIONS[PDF],
            original_name=sanitise_name(client_name, EXTENSIONS[PDF]),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    image = _clean_image(data)
    if image is None:
        raise _invalid(WRONG_TYPE)
    clean, content_type, width, height = image
    return CleanUpload(
        data=clean,
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        original_name=sanitise_name(client_name, EXTENSIONS[content_type]),
        size=len(clean),
        sha256=hashlib.sha256(clean).hexdigest(),
        width=width,
        height=height,
    )
