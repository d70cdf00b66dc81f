"""The app icon, drawn with Pillow: regular (rounded) and maskable (full-bleed, safe-zone content).

A build script, not part of the app: `python tools/icons.py` redraws static/icons/ (commit the PNGs)."""

from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (122, 59, 94, 255)
WHITE = (255, 255, 255, 255)
PINK = (246, 200, 223, 255)


def draw(size: int, maskable: bool = False) -> Image.Image:
    """A face outline with a smile and three rising rays, on the brand colour."""
    scale = 4  # draw large, then shrink: smooth edges without anti-aliasing support in ImageDraw
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle([0, 0, big, big], fill=ACCENT)
        inner = 0.62  # keep the drawing inside the 80% safe zone
    else:
        pen.rounded_rectangle([0, 0, big - 1, big - 1], radius=int(big * 0.22), fill=ACCENT)
        inner = 0.8
    unit = big * inner / 512
    cx, cy = big / 2, big / 2 + 12 * unit

    def box(x0, y0, x1, y1):
        return [cx + x0 * unit, cy + y0 * unit, cx + x1 * unit, cy + y1 * unit]

    width = max(2, int(28 * unit))
    pen.ellipse(box(-128, -160, 128, 160), outline=WHITE, width=width)
    pen.arc(box(-70, -10, 70, 90), start=30, end=150, fill=WHITE, width=width)
    for x0, y0, x1, y1 in [(-110, -175, -150, -215), (110, -175, 150, -215), (0, -185, 0, -235)]:
        pen.line([cx + x0 * unit, cy + y0 * unit, cx + x1 * unit, cy + y1 * unit], fill=PINK, width=width)
    return image.resize((size, size), Image.LANCZOS)


def write_all(folder):
    """Write icon-192.png, icon-512.png and icon-maskable-512.png into `folder`."""
    draw(192).save(folder / "icon-192.png", optimize=True)
    draw(512).save(folder / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(folder / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(folder / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    write_all(Path(__file__).resolve().parent.parent / "static" / "icons")
