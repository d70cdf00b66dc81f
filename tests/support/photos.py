"""Progress photos: a JPEG that carries a location, and its upload through the Flask client."""

import io

from PIL import Image


def jpeg_with_gps(size=(800, 600)):
    """The bytes of a JPEG whose EXIF names the camera maker and a GPS latitude."""
    image = Image.new("RGB", size, (200, 120, 150))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(client, data, angle="front", week="2026-11-23"):
    """Post `data` as a week's progress photo; the response."""
    return client.post(
        f"/progress/weeks/{week}/photos",
        data={"angle": angle, "photo": (io.BytesIO(data), "p.jpg")},
        content_type="multipart/form-data",
    )
