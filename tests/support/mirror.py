"""Fake camera videos for Mirror mode's tests and benchmark: Chromium's --use-file-for-fake-video-capture reads
YUV4MPEG2 (.y4m) files, made here from the public-domain photos tools/face_photos.py takes out of scikit-image's
wheel (astronaut.png: a face; grass.png: none), moved, scaled and warped frame by frame."""

from pathlib import Path

from PIL import Image

FACES = Path(__file__).resolve().parent.parent / "browser" / "faces"
SIZE = (480, 360)
FPS = 15
# Where the astronaut's nose tip (face mesh landmark 1) and brows are in the 512 x 512 photo (found by the
# face mesh itself: it is only where the videos put the face).
NOSE = (212, 132)
BROW_BAND = (150, 52, 275, 98)  # the brows and the forehead just above them (left, top, right, bottom)
BROW_FLOOR = 98  # the upper lids: the warp lifts what is above this row


def photo(name: str) -> Image.Image:
    """One of the fetched photos (tools/face_photos.py, run by `make test`)."""
    path = FACES / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make faces` (tools/face_photos.py) first")
    return Image.open(path).convert("RGB")


def write_y4m(path: Path, frames, fps: int = FPS) -> Path:
    """Frames (RGB images of one size) as a 4:2:0 YUV4MPEG2 video Chromium's fake camera plays in a loop."""
    frames = list(frames)
    width, height = frames[0].size
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            y, cb, cr = frame.convert("YCbCr").split()
            half = (width // 2, height // 2)
            video.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())
    return path


def face_at(face: Image.Image, nose, scale: float, size=SIZE) -> Image.Image:
    """A frame with the photo scaled by `scale` and its nose tip at `nose` (x, y) in the frame."""
    frame = Image.new("RGB", size, (58, 62, 70))
    big = face.resize((round(face.width * scale), round(face.height * scale)))
    frame.paste(big, (round(nose[0] - NOSE[0] * scale), round(nose[1] - NOSE[1] * scale)))
    return frame


def moving_face(path: Path, seconds: float = 2.0) -> Path:
    """The face still for `seconds` on the left of the frame (as the camera sees it), then as long on the right
    and a little larger, in a loop: the overlay must follow it across."""
    face = photo("astronaut.png")
    still = round(seconds * FPS)
    return write_y4m(path, [face_at(face, (170, 185), 1.7)] * still + [face_at(face, (310, 180), 1.85)] * still)


def no_face(path: Path) -> Path:
    """A landscape with no face (grass), a few seconds."""
    return write_y4m(path, [photo("grass.png").resize(SIZE)] * FPS)


def dark(path: Path) -> Path:
    """The face in a room with the light off: nearly black."""
    frame = face_at(photo("astronaut.png"), (240, 185), 1.7).point(lambda value: value // 12)
    return write_y4m(path, [frame] * FPS)


def lifted(face: Image.Image, lift: int) -> Image.Image:
    """The photo with the brows raised `lift` pixels: the rows above the lids are moved up, the band just above
    the lids stretched to fill (a raised brow, as far as a still photo can give one)."""
    if not lift:
        return face
    out = face.copy()
    left, top, right, _ = BROW_BAND
    band = face.crop((left, top, right, BROW_FLOOR))
    out.paste(band, (left, top - lift))
    stretch = face.crop((left, BROW_FLOOR - 6, right, BROW_FLOOR)).resize((right - left, 6 + lift))
    out.paste(stretch, (left, BROW_FLOOR - 6 - lift))
    return out


def brow_reps(path: Path, lift: int = 9, reps_seconds: float = 1.6) -> Path:
    """The face raising its brows again and again: rest, rise, hold, fall, each rep `reps_seconds` long."""
    face = photo("astronaut.png")
    frames_per_rep = round(reps_seconds * FPS)
    shape = [0] * (frames_per_rep // 2) + [lift] * (frames_per_rep - frames_per_rep // 2)
    return write_y4m(path, [face_at(lifted(face, up), (240, 200), 1.7) for up in shape] * 2)


def still_face(path: Path, nose=(240, 185), scale: float = 1.7) -> Path:
    """The face still in one place."""
    return write_y4m(path, [face_at(photo("astronaut.png"), nose, scale)] * FPS)
