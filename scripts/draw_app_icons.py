#!/usr/bin/env python3
"""Draw the phone app's icons (gridgov/static/gridgov/mobile/icon-*.png) with Pillow.

The PNGs are committed; run this again only to change the drawing. A blue tile with a white
grid (the 网格) and a red pin, inside the middle 80 % so that a maskable crop keeps it whole.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "gridgov" / "static" / "gridgov" / "mobile"
BLUE, WHITE, RED = (29, 95, 168), (255, 255, 255), (211, 47, 47)


def draw(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    pen = ImageDraw.Draw(image)
    low, high = size * 0.22, size * 0.78
    width = max(2, size // 40)
    for i in range(4):
        at = low + (high - low) * i / 3
        pen.line((low, at, high, at), fill=WHITE, width=width)
        pen.line((at, low, at, high), fill=WHITE, width=width)
    cx, cy, r = size * 0.5, size * 0.44, size * 0.12
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED, outline=WHITE, width=width)
    pen.polygon([(cx - r * 0.7, cy + r * 0.6), (cx + r * 0.7, cy + r * 0.6), (cx, cy + r * 2)],
                fill=RED)  # fmt: skip
    pen.ellipse((cx - r / 3, cy - r / 3, cx + r / 3, cy + r / 3), fill=WHITE)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
