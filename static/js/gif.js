// A small animated-GIF encoder (GIF89a, LZW), with a fixed 6x7x6 colour cube: enough for plots.
function paletteIndex(r, g, b) {
  return Math.round((r / 255) * 5) * 42 + Math.round((g / 255) * 6) * 6 + Math.round((b / 255) * 5);
}

function palette() {
  const out = new Uint8Array(256 * 3);
  for (let r = 0; r < 6; r++) for (let g = 0; g < 7; g++) for (let b = 0; b < 6; b++) {
    const i = (r * 42 + g * 6 + b) * 3;
    out[i] = Math.round((r * 255) / 5);
    out[i + 1] = Math.round((g * 255) / 6);
    out[i + 2] = Math.round((b * 255) / 5);
  }
  return out;
}

function lzw(indices, minCodeSize = 8) {
  const clear = 1 << minCodeSize, end = clear + 1;
  const bytes = [];
  let bitBuf = 0, bitCount = 0, codeSize = minCodeSize + 1;
  const emit = (code) => {
    bitBuf |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) { bytes.push(bitBuf & 255); bitBuf >>>= 8; bitCount -= 8; }
  };
  let dict = new Map();
  let next = end + 1;
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = prefix * 256 + k;
    const found = dict.get(key);
    if (found !== undefined) { prefix = found; continue; }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > (1 << codeSize) && codeSize < 12) codeSize++;
    } else {
      emit(clear);
      dict = new Map();
      next = end + 1;
      codeSize = minCodeSize + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (bitCount > 0) bytes.push(bitBuf & 255);
  return bytes;
}

/** frames: ImageData[] of one size; delay in hundredths of a second. Returns a Uint8Array. */
export function encodeGif(frames, delay = 8) {
  const { width, height } = frames[0];
  const out = [];
  const push16 = (v) => out.push(v & 255, (v >> 8) & 255);
  out.push(...[..."GIF89a"].map((c) => c.charCodeAt(0)));
  push16(width); push16(height);
  out.push(0xf7, 0, 0); // global colour table of 256 entries
  out.push(...palette());
  out.push(0x21, 0xff, 11, ...[..."NETSCAPE2.0"].map((c) => c.charCodeAt(0)), 3, 1, 0, 0, 0); // loop forever
  for (const frame of frames) {
    out.push(0x21, 0xf9, 4, 0, delay & 255, (delay >> 8) & 255, 0, 0); // graphic control
    out.push(0x2c); push16(0); push16(0); push16(width); push16(height); out.push(0);
    const px = frame.data;
    const indices = new Uint8Array(width * height);
    for (let i = 0; i < indices.length; i++) indices[i] = paletteIndex(px[4 * i], px[4 * i + 1], px[4 * i + 2]);
    const data = lzw(indices);
    out.push(8);
    for (let i = 0; i < data.length; i += 255) {
      const block = data.slice(i, i + 255);
      out.push(block.length, ...block);
    }
    out.push(0);
  }
  out.push(0x3b);
  return new Uint8Array(out);
}
