"""Reading images, GIFs and videos the way a viewer does: decoded by chromium (an <img>, WebCodecs' ImageDecoder for a
GIF's frames, a <video> element seeked to a time), then measured as pixels: how many are near each given colour, and
which colours cover the image. The page given must be on a secure origin (http://127.0.0.1 is). A video is played in a
bench page of that origin without the app's Content-Security-Policy (whose default-src 'self' keeps blob: media out
of the app's pages, as it should: the app never plays a video)."""
from __future__ import annotations

import base64
import re
import struct

MEASURE = """() => { window.__measure = (canvas, colours, tol) => {
  const { width, height } = canvas;
  const data = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  const rgb = colours.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const near = colours.map(() => 0), exact = colours.map(() => 0);
  const cover = new Map();
  let hash = 0;
  for (let p = 0; p < data.length; p += 4) {
    const r = data[p], g = data[p + 1], b = data[p + 2];
    const key = (r << 16) | (g << 8) | b;
    cover.set(key, (cover.get(key) || 0) + 1);
    hash = (hash * 31 + key) | 0;
    rgb.forEach(([R, G, B], i) => {
      const d = Math.hypot(r - R, g - G, b - B);
      if (d <= tol) near[i]++;
      if (d <= 4) exact[i]++;
    });
  }
  const total = width * height;
  const dominant = [...cover].filter(([, n]) => n >= total * 0.005).sort((a, b) => b[1] - a[1])
    .map(([k, n]) => [[(k >> 16) & 255, (k >> 8) & 255, k & 255], n / total]);
  return { width, height, near, exact, dominant, hash };
}; }"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def image_pixels(page, data: bytes, mime: str, colours: list[str], tol: float = 40) -> dict:
    """An image (PNG, SVG) as the browser draws it: its size, the pixels near each colour (``near``, within ``tol``;
    ``exact``, within 4), the colours covering at least 0.5 % of it (``dominant``: [[r, g, b], share])."""
    page.evaluate(MEASURE)
    return page.evaluate("""async ([data, mime, colours, tol]) => {
      const img = new Image();
      img.src = `data:${mime};base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
      c.getContext('2d').drawImage(img, 0, 0);
      return window.__measure(c, colours, tol);
    }""", [_b64(data), mime, colours, tol])


def gif_pixels(page, data: bytes, colours: list[str], frames: list[int] | None = None, tol: float = 40) -> dict:
    """A GIF's frame count and its frames (default: the first and the last) as :func:`image_pixels` measures them,
    each composed as a viewer sees it (ImageDecoder applies each frame over the last)."""
    page.evaluate(MEASURE)
    return page.evaluate("""async ([data, colours, wanted, tol]) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const decoder = new ImageDecoder({ data: bytes, type: 'image/gif' });
      await decoder.tracks.ready;
      const count = decoder.tracks.selectedTrack.frameCount;
      const out = [];
      for (const i of (wanted || [0, count - 1]).map((i) => (i < 0 ? count + i : i))) {
        const { image } = await decoder.decode({ frameIndex: i });
        const c = document.createElement('canvas'); c.width = image.displayWidth; c.height = image.displayHeight;
        c.getContext('2d').drawImage(image, 0, 0);
        out.push(window.__measure(c, colours, tol));
        image.close();
      }
      return { count, frames: out };
    }""", [_b64(data), colours, frames, tol])


def bench_page(page):
    """A blank page on ``page``'s origin (secure, like the app's), with no Content-Security-Policy."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    bench = page.context.new_page()
    bench.route(f"{origin}/__media-bench", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>media bench</title>"))
    bench.goto(f"{origin}/__media-bench")
    return bench


def video_pixels(page, data: bytes, mime: str, colours: list[str], times: list[float], tol: float = 60) -> dict:
    """A video decoded by a <video> element: its duration and size, and the frame at each of ``times`` (seconds;
    a negative time counts from the end) as :func:`image_pixels` measures it."""
    bench = bench_page(page)
    try:
        return _video_pixels(bench, data, mime, colours, times, tol)
    finally:
        bench.close()


def _video_pixels(page, data, mime, colours, times, tol):
    page.evaluate(MEASURE)
    return page.evaluate("""async ([data, mime, colours, times, tol]) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(new Blob([bytes], { type: mime }));
      await new Promise((resolve, reject) => {
        video.onloadeddata = resolve;
        video.onerror = () => reject(new Error(`the video does not decode: ${video.error && video.error.message}`));
      });
      const out = { duration: video.duration, width: video.videoWidth, height: video.videoHeight, frames: [] };
      for (const t of times) {
        video.currentTime = t < 0 ? Math.max(0, video.duration + t) : t;
        await new Promise((resolve) => { video.onseeked = resolve; });
        const c = document.createElement('canvas'); c.width = video.videoWidth; c.height = video.videoHeight;
        c.getContext('2d').drawImage(video, 0, 0);
        out.frames.push(window.__measure(c, colours, tol));
      }
      return out;
    }""", [_b64(data), mime, colours, times, tol])


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def gif_blocks(data: bytes) -> tuple[int, int, int]:
    """(width, height, frame count) of a GIF, read from its blocks in Python (what any reader of the format sees)."""
    assert data[:6] == b"GIF89a"
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
    frames = 0
    while data[pos] != 0x3B:
        if data[pos] == 0x21:  # extension: label, then sub-blocks
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        elif data[pos] == 0x2C:  # image: descriptor, optional local table, LZW size, sub-blocks
            frames += 1
            lflags = data[pos + 9]
            pos += 10 + (3 * (2 ** ((lflags & 7) + 1)) if lflags & 0x80 else 0) + 1
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
        else:
            raise AssertionError(f"unexpected block {data[pos]:#x} at {pos}")
    return width, height, frames
