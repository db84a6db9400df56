/** Just enough FLV to replay a file tag by tag at its own pace: the header and each tag's bytes and timestamp. */

export interface FlvTag {
  /** 8 audio, 9 video, 18 script data. */
  readonly type: number;
  readonly timestampMs: number;
  /** A video tag holding a coded frame (AVCPacketType 1), not a sequence header or end-of-sequence. */
  readonly videoFrame: boolean;
  /** Bytes of the coded frame (the tag body less its 5-byte AVC header): the sample's size once in MP4. */
  readonly frameBytes: number;
  /** The tag as it sits in the file: 11-byte header, body and the trailing PreviousTagSize. */
  readonly bytes: Uint8Array;
}

export interface FlvFile {
  /** FLV header plus PreviousTagSize0. */
  readonly header: Uint8Array;
  readonly tags: readonly FlvTag[];
}

export function readFlv(file: Uint8Array): FlvFile {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 13 || file[0] !== 0x46 || file[1] !== 0x4c || file[2] !== 0x56) {
    throw new Error('not an FLV file (no "FLV" signature)');
  }
  const headerEnd = view.getUint32(5) + 4;
  const tags: FlvTag[] = [];
  let at = headerEnd;
  while (at + 11 <= file.byteLength) {
    const type = (file[at] ?? 0) & 0x1f;
    const size = view.getUint32(at) & 0xffffff;
    const timestampMs = ((view.getUint32(at + 4) >>> 8) | ((file[at + 7] ?? 0) << 24)) >>> 0;
    const end = at + 11 + size + 4;
    if (end > file.byteLength) break; // a truncated last tag
    const videoFrame = type === 9 && size >= 2 && ((file[at + 11] ?? 0) & 0x0f) === 7 && file[at + 12] === 1;
    tags.push({ type, timestampMs, videoFrame, frameBytes: videoFrame ? size - 5 : 0, bytes: file.subarray(at, end) });
    at = end;
  }
  return { header: file.subarray(0, headerEnd), tags };
}
