#!/usr/bin/env python3
"""Writes the sample inputs in samples/ (run once; the files are committed).

photo.png      512x512 picture for fill / image prompts
mask.png       512x512 black with a white disc: the area fill repaints
control.png    512x512 shapes with clear edges, for canny and depth
finetune/      five small images with same-named .txt captions (the fine-tune composer's folder)
finetune.zip   the same, zipped, for the fine-tune endpoint's file_data field
"""
import io, math, os, struct, zipfile, zlib

def png(width, height, pixel):
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(pixel(x, y))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))

def photo(x, y):
    sky = y < 300 + 20 * math.sin(x / 40)
    if sky:
        return (90 + y // 4, 140 + y // 5, 230 - y // 6)
    if (x - 360) ** 2 + (y - 380) ** 2 < 60 ** 2:
        return (200, 60, 50)
    return (40 + (x * 7 + y * 3) % 30, 120 + y // 8, 50)

def mask(x, y):
    return (255, 255, 255) if (x - 256) ** 2 + (y - 256) ** 2 < 120 ** 2 else (0, 0, 0)

def control(x, y):
    if 80 < x < 220 and 100 < y < 400:
        return (230, 230, 230)
    if (x - 360) ** 2 + (y - 250) ** 2 < 90 ** 2:
        return (120, 120, 120)
    return (20, 20, 20)

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
os.makedirs(here, exist_ok=True)
for name, fn in [("photo.png", photo), ("mask.png", mask), ("control.png", control)]:
    with open(os.path.join(here, name), "wb") as f:
        f.write(png(512, 512, fn))

folder = os.path.join(here, "finetune")
os.makedirs(folder, exist_ok=True)
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
    for i in range(5):
        def tile(x, y, i=i):
            return ((x * (i + 1)) % 256, (y * (5 - i)) % 256, (60 * i + x // 4) % 256)
        image = png(128, 128, tile)
        caption = f"a TOK pattern, variant {i + 1}"
        with open(os.path.join(folder, f"tile_{i + 1}.png"), "wb") as f:
            f.write(image)
        with open(os.path.join(folder, f"tile_{i + 1}.txt"), "w", encoding="utf-8") as f:
            f.write(caption)
        z.writestr(f"tile_{i + 1}.png", image)
        z.writestr(f"tile_{i + 1}.txt", caption)
with open(os.path.join(here, "finetune.zip"), "wb") as f:
    f.write(buffer.getvalue())
print("wrote", sorted(os.listdir(here)))
