"""clean_upload: size, emptiness, type sniffed from the content, pixel limit, clean re-encoding."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from safegrid.attachments.validation import MiB, clean_upload, sanitise_name, too_large_message

from . import files

WRONG_TYPE = {"file": ["只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"]}


def refusal(upload) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload)
    return caught.value.message_dict


def test_jpeg_is_accepted_as_a_jpeg_with_its_facts():
    clean = clean_upload(files.upload(files.jpeg()))
    assert (clean.content_type, clean.extension, clean.width, clean.height) == ("image/jpeg", "jpg", 40, 20)
    assert clean.data[:3] == b"\xff\xd8\xff"
    assert (clean.size, clean.sha256) == (len(clean.data), hashlib.sha256(clean.data).hexdigest())
    assert clean.original_name == "现场照片.jpg"


def test_a_file_over_the_limit_is_refused_in_chinese(settings):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = MiB
    assert refusal(files.upload(b"\xff" * (MiB + 1))) == {"file": ["文件超过 1 MB 上限。"]}


def test_a_file_exactly_at_the_limit_is_judged_by_its_content(settings):
    settings.SAFEGRID_MAX_UPLOAD_BYTES = MiB
    assert refusal(files.upload(b"\xff" * MiB)) == WRONG_TYPE


def test_the_default_limit_is_10_mb():
    assert too_large_message() == "文件超过 10 MB 上限。"


def test_an_empty_file_is_refused():
    assert refusal(files.upload(b"")) == {"file": ["不能上传空文件。"]}


def test_html_named_jpg_is_refused_whatever_the_client_says():
    assert refusal(files.upload(files.HTML, "photo.jpg", "image/jpeg")) == WRONG_TYPE


def test_svg_named_jpg_is_refused():
    assert refusal(files.upload(files.SVG, "photo.jpg", "image/jpeg")) == WRONG_TYPE


def test_gif_is_not_an_accepted_image():
    assert refusal(files.upload(files.image_bytes("GIF", mode="RGB"), "photo.gif", "image/gif")) == WRONG_TYPE


def test_a_truncated_jpeg_is_refused():
    assert refusal(files.upload(files.jpeg(size=(400, 300))[:300])) == WRONG_TYPE


def test_a_jpeg_html_polyglot_is_stored_as_the_picture_only():
    payload = b"<html><script>alert(1)</script></html>"
    polyglot = files.jpeg(comment=payload) + payload  # HTML in a JPEG comment and after the image
    assert payload in polyglot
    clean = clean_upload(files.upload(polyglot))
    assert b"<script" not in clean.data
    assert clean.content_type == "image/jpeg"


def test_a_decompression_bomb_is_refused_in_chinese():
    bomb = files.png_declaring(20000, 20000)
    assert len(bomb) < 200
    assert refusal(files.upload(bomb, "bomb.png", "image/png")) == {
        "file": ["图片像素过多（上限 4000 万像素），请缩小后再上传。"]
    }


def test_an_image_just_over_the_pixel_limit_is_refused_before_decoding():
    # 8000 × 6000 = 48 megapixels: under Pillow's own guard, over ours.
    assert refusal(files.upload(files.png_declaring(8000, 6000), "big.png", "image/png")) == {
        "file": ["图片像素过多（上限 4000 万像素），请缩小后再上传。"]
    }


def test_gps_and_all_exif_are_stripped_from_a_jpeg():
    original = files.jpeg(exif=files.gps_exif())
    with Image.open(io.BytesIO(original)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    clean = clean_upload(files.upload(original))
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert b"Exif" not in clean.data
    assert b"TestPhone" not in clean.data


def test_exif_orientation_is_applied_to_the_pixels():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    clean = clean_upload(files.upload(files.jpeg(size=(40, 20), exif=exif)))
    assert (clean.width, clean.height) == (20, 40)
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.size == (20, 40)
        assert ExifTags.Base.Orientation not in stored.getexif()


def test_a_png_stays_a_png_even_when_named_and_sent_as_jpeg():
    clean = clean_upload(files.upload(files.image_bytes("PNG", mode="RGBA"), "photo.jpg", "image/jpeg"))
    assert (clean.content_type, clean.extension, clean.original_name) == ("image/png", "png", "photo.png")
    assert clean.data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert (stored.format, stored.mode) == ("PNG", "RGBA")


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    clean = clean_upload(files.upload(files.image_bytes("PNG", pnginfo=info), "a.png", "image/png"))
    assert b"<script" not in clean.data


def test_a_webp_stays_a_webp():
    clean = clean_upload(files.upload(files.image_bytes("WEBP"), "a.webp", "image/webp"))
    assert (clean.content_type, clean.extension) == ("image/webp", "webp")
    assert clean.data[8:12] == b"WEBP"


def test_a_pdf_is_recognised_by_its_magic_and_kept_as_sent():
    clean = clean_upload(files.upload(files.PDF, "整改报告.doc", "application/msword"))
    assert (clean.content_type, clean.data, clean.original_name) == (
        "application/pdf",
        files.PDF,
        "整改报告.pdf",
    )
    assert (clean.width, clean.height) == (None, None)


def test_no_file_at_all_is_refused():
    assert refusal(None) == {"file": ["请选择要上传的文件。"]}


@pytest.mark.parametrize(
    ("sent", "extension", "kept"),
    [
        ("../../etc/passwd", "jpg", "passwd.jpg"),
        ("..\\..\\windows\\boot.ini", "jpg", "boot.jpg"),
        ("<img src=x onerror=alert(1)>.jpeg", "jpg", "_img src=x onerror=alert(1)_.jpeg"),
        ("\x00evil\r\n.pdf", "pdf", "evil.pdf"),
        (".htaccess", "png", "htaccess.png"),
        ("", "jpg", "附件.jpg"),
        ("报告.PDF", "pdf", "报告.pdf"),
    ],
)
def test_the_client_name_is_reduced_to_a_safe_display_name(sent, extension, kept):
    assert sanitise_name(sent, extension) == kept


def test_a_long_name_is_cut_to_200_characters_keeping_the_extension():
    name = sanitise_name("整" * 300 + ".jpg", "jpg")
    assert (len(name), name[-4:]) == (200, ".jpg")
