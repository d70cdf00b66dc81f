"""Fetch the public-domain photos Mirror mode's tests and benchmark build their fake camera videos from.

scikit-image's wheel ships them (skimage/data: "astronaut", NASA's portrait of Eileen Collins, public domain,
and "grass", a picture with no face). Only the wheel is downloaded (pip, no dependencies, nothing installed),
the two files are taken out and checked against the hashes below, and the wheel is thrown away. Run by
`make test` and `make bench`; the files land in tests/browser/faces/ (git-ignored)."""

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "scikit-image==0.26.0"
PHOTOS = {
    "astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
    "grass.png": "b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89",
}
FOLDER = Path(__file__).resolve().parent.parent / "tests" / "browser" / "faces"


def missing() -> list[str]:
    """The photos not there yet (or not the ones pinned)."""
    return [
        name
        for name, digest in PHOTOS.items()
        if not (FOLDER / name).exists() or hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() != digest
    ]


def fetch() -> None:
    """Download the wheel (pip, no dependencies), take the photos out and check them."""
    with tempfile.TemporaryDirectory() as scratch:
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps"]
        subprocess.run([*pip, "--only-binary=:all:", "--dest", scratch, WHEEL], check=True)
        (wheel,) = Path(scratch).glob("*.whl")
        FOLDER.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name, digest in PHOTOS.items():
                data = archive.read(f"skimage/data/{name}")
                if hashlib.sha256(data).hexdigest() != digest:
                    raise SystemExit(f"{name} in {wheel.name} is not the photo pinned in {Path(__file__).name}")
                (FOLDER / name).write_bytes(data)


if __name__ == "__main__":
    if missing():
        fetch()
    print(f"face photos in {FOLDER.relative_to(Path.cwd()) if FOLDER.is_relative_to(Path.cwd()) else FOLDER}")
