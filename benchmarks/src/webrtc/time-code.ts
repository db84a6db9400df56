/**
 * The time stamp a publisher page paints into each frame and a viewer page reads back from the decoded video:
 * 40 bits in an 8 x 5 grid of 32-px black/white cells (32 bits of wall-clock ms modulo 2^32, 8 bits of check),
 * ringed by a fixed alternating border that tells the reader where the grid is and what black and white look like
 * after compression. Big flat cells survive H.264 at any rate WebRTC picks.
 *
 * `timeCodeKit` is self-contained (no imports, no outer names) because it is also sent to the browser as source.
 */
export interface TimeCodeKit {
  readonly width: number;
  readonly height: number;
  /** Cell values (1 = white), row-major over the whole 10 x 7 grid with its border, for `ms`. */
  cells(ms: number): Uint8Array;
  /** Paints the frame for `ms` (grid plus a moving bar so the encoder sees motion). */
  paint(ctx: CanvasRenderingContext2D, ms: number, frame: number): void;
  /** Reads the stamp from RGBA pixels of a frame scaled to w x h; undefined when the border or check fails. */
  read(rgba: Uint8ClampedArray, w: number, h: number): number | undefined;
  /** a − b for stamps modulo 2^32, in (−2^31, 2^31]. */
  diff(a: number, b: number): number;
}

export function timeCodeKit(): TimeCodeKit {
  const width = 640;
  const height = 360;
  const cell = 32;
  const cols = 10;
  const rows = 7;
  const x0 = 16;
  const y0 = 16;
  const isBorder = (c: number, r: number) => c === 0 || r === 0 || c === cols - 1 || r === rows - 1;
  const check = (v: number) => ((v >>> 24) ^ (v >>> 16) ^ (v >>> 8) ^ v ^ 0x5a) & 0xff;
  const cells = (ms: number): Uint8Array => {
    const v = Math.floor(ms) >>> 0;
    const bits: number[] = [];
    for (let i = 31; i >= 0; i--) bits.push((v >>> i) & 1);
    const k = check(v);
    for (let i = 7; i >= 0; i--) bits.push((k >>> i) & 1);
    const out = new Uint8Array(cols * rows);
    let b = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[r * cols + c] = isBorder(c, r) ? (c + r + 1) % 2 : (bits[b++] ?? 0);
      }
    }
    return out;
  };
  const paint = (ctx: CanvasRenderingContext2D, ms: number, frame: number) => {
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#3060c0';
    ctx.fillRect((frame * 8) % width, height - 80, 60, 60);
    const values = cells(ms);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = values[r * cols + c] ? '#ffffff' : '#000000';
        ctx.fillRect(x0 + c * cell, y0 + r * cell, cell, cell);
      }
    }
  };
  const read = (rgba: Uint8ClampedArray, w: number, h: number): number | undefined => {
    const sx = w / width;
    const sy = h / height;
    const luma = (c: number, r: number) => {
      // The middle half of the cell: away from edges the encoder blurs.
      const left = Math.round((x0 + c * cell + cell / 4) * sx);
      const top = Math.round((y0 + r * cell + cell / 4) * sy);
      const right = Math.max(left + 1, Math.round((x0 + c * cell + (3 * cell) / 4) * sx));
      const bottom = Math.max(top + 1, Math.round((y0 + r * cell + (3 * cell) / 4) * sy));
      let sum = 0;
      let n = 0;
      for (let y = top; y < bottom; y++) {
        for (let x = left; x < right; x++) {
          const i = (y * w + x) * 4;
          sum += 0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0);
          n++;
        }
      }
      return n > 0 ? sum / n : 0;
    };
    const expectedBorder = cells(0);
    let white = 0;
    let black = 0;
    let whites = 0;
    let blacks = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (!isBorder(c, r)) continue;
        if (expectedBorder[r * cols + c]) {
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
        if (isBorder(c, r) && luma(c, r) > threshold !== (expectedBorder[r * cols + c] === 1)) return undefined;
      }
    }
    let v = 0;
    let k = 0;
    let b = 0;
    for (let r = 1; r < rows - 1; r++) {
      for (let c = 1; c < cols - 1; c++) {
        const bit = luma(c, r) > threshold ? 1 : 0;
        if (b < 32) v = ((v << 1) | bit) >>> 0;
        else k = (k << 1) | bit;
        b++;
      }
    }
    return check(v) === k ? v : undefined;
  };
  const diff = (a: number, b: number) => {
    const d = ((a >>> 0) - (b >>> 0) + 2 ** 32) % 2 ** 32;
    return d > 2 ** 31 ? d - 2 ** 32 : d;
  };
  return { width, height, cells, paint, read, diff };
}
