import { unzlibSync } from 'fflate';

/**
 * Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium screenshots and resvg write) into RGBA pixels,
 * so tests can measure whether a picture shows anything. PNG spec: https://www.w3.org/TR/png/ (filters 0-4).
 */
export function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      if (png[pos + 16] !== 8 || png[pos + 20] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
      colorType = png[pos + 17];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (!bpp) throw new Error(`PNG colour type ${colorType} not supported`);
  const all = new Uint8Array(idat.reduce((s, d) => s + d.length, 0));
  let o = 0;
  for (const d of idat) {
    all.set(d, o);
    o += d.length;
  }
  const raw = unzlibSync(all);
  const stride = width * bpp;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = px[bpp * i];
    rgba[4 * i + 1] = px[bpp * i + 1];
    rgba[4 * i + 2] = px[bpp * i + 2];
    rgba[4 * i + 3] = bpp === 4 ? px[bpp * i + 3] : 255;
  }
  return { width, height, rgba };
}

/** Luminance standard deviation (0-255) and the fraction of pixels that are not (near) white. */
export function pixelStats(png: Uint8Array): { width: number; height: number; sd: number; inked: number } {
  const { width, height, rgba } = decodePng(png);
  const n = width * height;
  let s = 0;
  let s2 = 0;
  let inked = 0;
  for (let i = 0; i < n; i++) {
    const l = 0.2126 * rgba[4 * i] + 0.7152 * rgba[4 * i + 1] + 0.0722 * rgba[4 * i + 2];
    s += l;
    s2 += l * l;
    if (l < 235) inked++;
  }
  const mean = s / n;
  return { width, height, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)), inked: inked / n };
}
