import { BoxWriter } from './box-writer.ts';
import { Fmp4Error } from './errors.ts';
import type { Fragment } from './types.ts';

/** tfhd flag: sample data offsets count from the start of this moof (CMAF requires it; no base_data_offset). */
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
/** trun flags: data-offset, then per sample duration, size, flags and composition offset. */
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800;

/** sample_depends_on = 2: decodes without other samples. */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
/** sample_depends_on = 1 plus sample_is_non_sync_sample. */
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

const MOOF_HEADER = 8;
const MFHD_SIZE = 16;
const TRAF_HEADER = 8;
const TFHD_SIZE = 16;
const TFDT_SIZE = 20;
const TRUN_HEADER = 20;
const TRUN_SAMPLE = 16;
const MDAT_HEADER = 8;
const UINT32_MAX = 0xffff_ffff;
const INT32_MAX = 0x7fff_ffff;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Fmp4Error('INVALID_FRAGMENT', message);
}

const isUint32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= UINT32_MAX;
const isInt32 = (v: number) => Number.isInteger(v) && v >= -0x8000_0000 && v <= INT32_MAX;

/**
 * One moof + mdat. Sizes are computed first so the output is a single exact allocation; each track's samples are
 * contiguous in mdat in track order, and each trun's data_offset points at its track's first byte.
 */
export function writeFragment(f: Fragment): Uint8Array {
  check(isUint32(f.sequenceNumber), `sequenceNumber ${f.sequenceNumber} is not a uint32`);
  check(f.tracks.length > 0, 'a fragment needs at least one track');
  let moofSize = MOOF_HEADER + MFHD_SIZE;
  let mdatPayload = 0;
  for (const t of f.tracks) {
    check(isUint32(t.trackId) && t.trackId > 0, `trackId ${t.trackId} is not a positive uint32`);
    check(
      Number.isSafeInteger(t.baseMediaDecodeTime) && t.baseMediaDecodeTime >= 0,
      `track ${t.trackId}: baseMediaDecodeTime ${t.baseMediaDecodeTime} is not a non-negative safe integer`,
    );
    check(t.samples.length > 0, `track ${t.trackId}: no samples`);
    moofSize += TRAF_HEADER + TFHD_SIZE + TFDT_SIZE + TRUN_HEADER + TRUN_SAMPLE * t.samples.length;
    for (const s of t.samples) {
      check(isUint32(s.duration), `track ${t.trackId}: sample duration ${s.duration} is not a uint32`);
      check(isInt32(s.compositionOffset), `track ${t.trackId}: compositionOffset ${s.compositionOffset} not int32`);
      mdatPayload += s.data.length;
    }
  }
  const total = moofSize + MDAT_HEADER + mdatPayload;
  // trun data_offset is signed 32-bit, so that, not the 32-bit box size, bounds a fragment.
  check(total <= INT32_MAX, `fragment of ${total} bytes is too large for a 32-bit signed data_offset`);

  const w = new BoxWriter(total);
  const moof = w.box('moof');
  const mfhd = w.fullBox('mfhd', 0, 0);
  w.u32(f.sequenceNumber);
  w.end(mfhd);

  let dataOffset = moofSize + MDAT_HEADER;
  for (const t of f.tracks) {
    const traf = w.box('traf');
    const tfhd = w.fullBox('tfhd', 0, TFHD_DEFAULT_BASE_IS_MOOF);
    w.u32(t.trackId);
    w.end(tfhd);
    const tfdt = w.fullBox('tfdt', 1, 0);
    w.u64(t.baseMediaDecodeTime);
    w.end(tfdt);
    // Version 1 makes the composition offsets signed, so B-frames need no edit list to start at pts >= dts.
    const trun = w.fullBox('trun', 1, TRUN_FLAGS);
    w.u32(t.samples.length);
    w.i32(dataOffset);
    for (const s of t.samples) {
      w.u32(s.duration);
      w.u32(s.data.length);
      w.u32(s.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
      w.i32(s.compositionOffset);
      dataOffset += s.data.length;
    }
    w.end(trun);
    w.end(traf);
  }
  w.end(moof);

  const mdat = w.box('mdat');
  for (const t of f.tracks) {
    for (const s of t.samples) w.bytes(s.data);
  }
  w.end(mdat);
  return w.finish();
}
