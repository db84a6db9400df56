/**
 * The pixel clock of the latency benchmark: every frame carries its capture time and its frame number in a band of
 * big black/white cells, read back from the decoded picture at display. 56 bits (32 bits of capture wall-clock ms
 * modulo 2^32, 16 bits of frame number, 8 bits of check) in an 8 x 7 grid of cells, ringed by a fixed alternating
 * border that tells the reader where the grid is and what black and white look like after compression. Cells are
 * 24 px of a 640 x 360 frame (any frame size scales them), flat and far apart in value: they survive x264 at 360p.
 *
 * `bandKit` is self-contained (no imports, no outer names) because browser pages receive it as source.
 */
export interface BandStamp {
  /** Capture wall-clock ms modulo 2^32. */
  readonly ms: number;
  /** Frame number modulo 2^16. */
  readonly frame: number;
}

export interface BandKit {
  /** The design size; painting and reading scale to any other size. */
  readonly width: number;
  readonly height: number;
  /** Cell values (1 = white), row-major over the whole grid with its border. */
  cells(ms: number, frame: number): Uint8Array;
  /** Paints a whole w x h RGB24 frame (3 bytes a pixel): grey, a moving block (motion for the encoder), the band. */
  paintRgb(rgb: Uint8Array, w: number, h: number, ms: number, frame: number): void;
  /** Paints the same frame on a canvas of the design size. */
  paint(ctx: CanvasRenderingContext2D, ms: number, frame: number): void;
  /**
   * Reads the stamp from pixels of a frame scaled to w x h: RGBA (4 bytes a pixel) or one luma byte a pixel
   * (`bytesPerPixel` 1: ffmpeg's gray output). Undefined when the border or the check fails (no band, a torn frame).
   */
  read(pixels: Uint8Array | Uint8ClampedArray, w: number, h: number, bytesPerPixel?: 1 | 4): BandStamp | undefined;
  /** a − b for stamps modulo 2^32, in (−2^31, 2^31]. */
  diff(a: number, b: number): number;
  /** The full wall-clock ms a stamp stands for, given a wall clock near it (within 24 days). */
  unwrap(ms: number, nearMs: number): number;
}

export function bandKit(): BandKit {
  const width = 640;
  const height = 360;
  const cell = 24;
  const cols = 10;
  const rows = 9;
  const x0 = 16;
  const y0 = 16;
  const isBorder = (c: number, r: number) => c === 0 || r === 0 || c === cols - 1 || r === rows - 1;
  const check = (v: number, f: number) => ((v >>> 24) ^ (v >>> 16) ^ (v >>> 8) ^ v ^ (f >>> 8) ^ f ^ 0x5a) & 0xff;
  const cells = (ms: number, frame: number): Uint8Array => {
    const v = Math.floor(ms) >>> 0;
    const f = frame & 0xffff;
    const bits: number[] = [];
    for (let i = 31; i >= 0; i--) bits.push((v >>> i) & 1);
    for (let i = 15; i >= 0; i--) bits.push((f >>> i) & 1);
    const k = check(v, f);
    for (let i = 7; i >= 0; i--) bits.push((k >>> i) & 1);
    const out = new Uint8Array(cols * rows);
    let b = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = isBorder(c, r) ? (c + r + 1) % 2 : (bits[b++] ?? 0);
    }
    return out;
  };
  const paintRgb = (rgb: Uint8Array, w: number, h: number, ms: number, frame: number) => {
    rgb.fill(128);
    const sx = w / width;
    const sy = h / height;
    const box = (x: number, y: number, bw: number, bh: number, r: number, g: number, b: number) => {
      const left = Math.max(0, Math.round(x * sx));
      const top = Math.max(0, Math.round(y * sy));
      const right = Math.min(w, Math.round((x + bw) * sx));
      const bottom = Math.min(h, Math.round((y + bh) * sy));
      for (let yy = top; yy < bottom; yy++) {
        for (let xx = left; xx < right; xx++) {
          const i = (yy * w + xx) * 3;
          rgb[i] = r;
          rgb[i + 1] = g;
          rgb[i + 2] = b;
        }
      }
    };
    box((frame * 8) % width, height - 80, 60, 60, 48, 96, 192);
    const values = cells(ms, frame);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c] ? 255 : 0;
        box(x0 + c * cell, y0 + r * cell, cell, cell, v, v, v);
      }
    }
  };
  const paint = (ctx: CanvasRenderingContext2D, ms: number, frame: number) => {
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#3060c0';
    ctx.fillRect((frame * 8) % width, height - 80, 60, 60);
    const values = cells(ms, frame);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = values[r * cols + c] ? '#ffffff' : '#000000';
        ctx.fillRect(x0 + c * cell, y0 + r * cell, cell, cell);
      }
    }
  };
  const read = (
    pixels: Uint8Array | Uint8ClampedArray,
    w: number,
    h: number,
    bytesPerPixel: 1 | 4 = 4,
  ): BandStamp | undefined => {
    const sx = w / width;
    const sy = h / height;
    const luma = (c: number, r: number) => {
      // The middle half of the cell: away from the edges the encoder blurs.
      const left = Math.round((x0 + c * cell + cell / 4) * sx);
      const top = Math.round((y0 + r * cell + cell / 4) * sy);
      const right = Math.max(left + 1, Math.round((x0 + c * cell + (3 * cell) / 4) * sx));
      const bottom = Math.max(top + 1, Math.round((y0 + r * cell + (3 * cell) / 4) * sy));
      let sum = 0;
      let n = 0;
      for (let y = top; y < bottom; y++) {
        for (let x = left; x < right; x++) {
          if (bytesPerPixel === 1) sum += pixels[y * w + x] ?? 0;
          else {
            const i = (y * w + x) * 4;
            sum += 0.299 * (pixels[i] ?? 0) + 0.587 * (pixels[i + 1] ?? 0) + 0.114 * (pixels[i + 2] ?? 0);
          }
          n++;
        }
      }
      return n > 0 ? sum / n : 0;
    };
    const border = cells(0, 0);
    let white = 0;
    let black = 0;
    let whites = 0;
    let blacks = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (!isBorder(c, r)) continue;
        if (border[r * cols + c]) {
          white += luma(c, r);
          whites++;
        } else {
          black += luma(c, r);
          blacks++;
        }
      }
    }
    white /= whites;
    black /= blacks;
    if (white - black < 64) return undefined;
    const threshold = (white + black) / 2;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (isBorder(c, r) && luma(c, r) > threshold !== (border[r * cols + c] === 1)) return undefined;
      }
    }
    let v = 0;
    let f = 0;
    let k = 0;
    let b = 0;
    for (let r = 1; r < rows - 1; r++) {
      for (let c = 1; c < cols - 1; c++) {
        const bit = luma(c, r) > threshold ? 1 : 0;
        if (b < 32) v = ((v << 1) | bit) >>> 0;
        else if (b < 48) f = (f << 1) | bit;
        else k = (k << 1) | bit;
        b++;
      }
    }
    return check(v, f) === k ? { ms: v, frame: f } : undefined;
  };
  const diff = (a: number, b: number) => {
    const d = ((a >>> 0) - (b >>> 0) + 2 ** 32) % 2 ** 32;
    return d > 2 ** 31 ? d - 2 ** 32 : d;
  };
  const unwrap = (ms: number, nearMs: number) => nearMs + diff(ms, Math.floor(nearMs) >>> 0);
  return { width, height, cells, paintRgb, paint, read, diff, unwrap };
}
