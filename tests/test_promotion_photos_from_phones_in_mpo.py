"""Many phones (Samsung, Huawei, iPhone portrait shots) save photos as JPEG with extra pictures appended
(MPO, which Pillow reports as its own format). They are ordinary photos: accepted, re-encoded as a plain JPEG
of the first picture, with the EXIF (GPS position) gone."""

import io

from PIL import Image

from hotline import images


def mpo_photo():
    first, second = Image.new("RGB", (200, 150), (200, 30, 30)), Image.new("RGB", (200, 150), (30, 200, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (25.0, 1.0, 30.0), 3: "E", 4: (102.0, 42.0, 6.0)}  # GPS position
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=exif)
    return out.getvalue()


def test_a_phone_photo_in_mpo_is_accepted_as_a_plain_jpeg_without_exif():
    data = mpo_photo()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    cleaned = images.clean_photo(data, name="IMG_0001.jpg").read()
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == "JPEG"
        assert result.size == (200, 150)
        assert not result.getexif()
        assert result.getpixel((10, 10))[0] > 150  # the first picture
    assert b"Exif" not in cleaned and b"MPF" not in cleaned
