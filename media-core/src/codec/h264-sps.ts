import { BitReader, nalToRbsp } from './bit-reader.ts';
import { CodecError } from './errors.ts';

export interface SpsInfo {
  readonly profileIdc: number;
  /** The whole constraint_set0..5_flags byte, as it appears in codec strings. */
  readonly constraintFlags: number;
  readonly levelIdc: number;
  readonly chromaFormatIdc: number;
  readonly bitDepthLuma: number;
  readonly bitDepthChroma: number;
  /** Display size in luma samples, after frame cropping. */
  readonly width: number;
  readonly height: number;
  /** Frames per second from VUI timing (time_scale / 2 / num_units_in_tick); absent when the SPS does not say. */
  readonly frameRate?: number;
}

/**
 * Widest or tallest picture in macroblocks: level 6.2's MaxFS of 139,264 allows sqrt(8 * MaxFS) = 1,055 (A.3.1 h),
 * 16,880 pixels. A larger claim is a corrupt SPS, not a picture to announce in a playlist.
 */
const MAX_PICTURE_SIDE_MBS = 1056;

/** Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function invalid(message: string): CodecError {
  return new CodecError('INVALID_SPS', message);
}

/** Parses an SPS NAL unit (header byte included, emulation prevention bytes allowed). */
export function parseSps(sps: Uint8Array): SpsInfo {
  if (sps.length < 4) throw invalid(`SPS of ${sps.length} bytes is too short`);
  if ((sps[0]! & 0x1f) !== 7) throw invalid(`NAL type ${sps[0]! & 0x1f} is not an SPS (7)`);
  if ((sps[0]! & 0x80) !== 0) throw invalid('forbidden_zero_bit is set');

  const r = new BitReader(nalToRbsp(sps.subarray(1)), 'INVALID_SPS');
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  const spsId = r.ue();
  if (spsId > 31) throw invalid(`seq_parameter_set_id ${spsId} > 31`);

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw invalid(`chroma_format_idc ${chromaFormatIdc} > 3`);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = 8 + r.ue();
    bitDepthChroma = 8 + r.ue();
    if (bitDepthLuma > 14 || bitDepthChroma > 14) throw invalid(`bit depth ${bitDepthLuma}/${bitDepthChroma} > 14`);
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) skipScalingMatrix(r, chromaFormatIdc !== 3 ? 8 : 12);
  }

  const log2MaxFrameNumMinus4 = r.ue();
  if (log2MaxFrameNumMinus4 > 12) throw invalid(`log2_max_frame_num_minus4 ${log2MaxFrameNumMinus4} > 12`);
  const pocType = r.ue();
  if (pocType === 0) {
    const log2MaxPocLsbMinus4 = r.ue();
    if (log2MaxPocLsbMinus4 > 12) throw invalid(`log2_max_pic_order_cnt_lsb_minus4 ${log2MaxPocLsbMinus4} > 12`);
  } else if (pocType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255) throw invalid(`num_ref_frames_in_pic_order_cnt_cycle ${cycle} > 255`);
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    throw invalid(`pic_order_cnt_type ${pocType} > 2`);
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  const heightInMbs = heightInMapUnits * (frameMbsOnly ? 1 : 2);
  if (widthInMbs > MAX_PICTURE_SIDE_MBS || heightInMbs > MAX_PICTURE_SIDE_MBS) {
    throw invalid(`picture of ${widthInMbs}x${heightInMbs} macroblocks exceeds every level (${MAX_PICTURE_SIDE_MBS})`);
  }
  r.skip(1); // direct_8x8_inference_flag

  // 7.4.2.1.1: cropping is counted in chroma sample units, doubled vertically for field coding.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const fieldFactor = frameMbsOnly ? 1 : 2;
  const cropUnitX = chromaArrayType === 0 || chromaArrayType === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 1 ? 2 : 1) * fieldFactor;
  let cropX = 0;
  let cropY = 0;
  if (r.flag()) {
    cropX = (r.ue() + r.ue()) * cropUnitX;
    cropY = (r.ue() + r.ue()) * cropUnitY;
  }
  const width = widthInMbs * 16 - cropX;
  const height = heightInMapUnits * 16 * fieldFactor - cropY;
  if (width <= 0 || height <= 0) throw invalid(`cropping leaves a ${width}x${height} picture`);

  const frameRate = r.flag() ? readVuiFrameRate(r) : undefined;
  const info = { profileIdc, constraintFlags, levelIdc, chromaFormatIdc, bitDepthLuma, bitDepthChroma, width, height };
  return frameRate === undefined ? info : { ...info, frameRate };
}

/** scaling_list() only needs skipping, but its delta codes must be read to find where it ends (7.3.2.1.1.1). */
function skipScalingMatrix(r: BitReader, lists: number): void {
  for (let i = 0; i < lists; i++) {
    if (!r.flag()) continue;
    const size = i < 6 ? 16 : 64;
    let lastScale = 8;
    let nextScale = 8;
    for (let j = 0; j < size; j++) {
      if (nextScale !== 0) {
        const delta = r.se();
        if (delta < -128 || delta > 127) throw invalid(`delta_scale ${delta} out of range`);
        nextScale = (lastScale + delta + 256) % 256;
      }
      lastScale = nextScale === 0 ? lastScale : nextScale;
    }
  }
}

/** Reads VUI up to timing_info (E.1.1); everything after it is not needed. */
function readVuiFrameRate(r: BitReader): number | undefined {
  if (r.flag()) {
    const aspectRatioIdc = r.u(8);
    if (aspectRatioIdc === 255) r.skip(32); // sar_width, sar_height
  }
  if (r.flag()) r.skip(1); // overscan_appropriate_flag
  if (r.flag()) {
    r.skip(4); // video_format, video_full_range_flag
    if (r.flag()) r.skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
  }
  if (r.flag()) {
    r.ue(); // chroma_sample_loc_type_top_field
    r.ue(); // chroma_sample_loc_type_bottom_field
  }
  if (!r.flag()) return undefined;
  const numUnitsInTick = r.u(32);
  const timeScale = r.u(32);
  // One frame is two field ticks (E.2.1, Equation C-1 with the usual frame-coded convention).
  return numUnitsInTick === 0 || timeScale === 0 ? undefined : timeScale / (2 * numUnitsInTick);
}

/** RFC 6381 codec string, e.g. 'avc1.64001f': profile, constraint byte and level from the SPS header bytes. */
export function avcCodecString(sps: Uint8Array): string {
  if (sps.length < 4 || (sps[0]! & 0x1f) !== 7) throw invalid('codec string needs an SPS NAL of at least 4 bytes');
  const hex = (b: number) => b.toString(16).padStart(2, '0');
  return `avc1.${hex(sps[1]!)}${hex(sps[2]!)}${hex(sps[3]!)}`;
}
