import { MpegTsError } from './errors.ts';

/** One elementary stream a PMT lists, in the PMT's order. */
export interface PmtStream {
  readonly pid: number;
  /** ISO/IEC 13818-1 Table 2-34: 0x1b is H.264, 0x0f AAC (ADTS). */
  readonly streamType: number;
}

function invalid(message: string): MpegTsError {
  return new MpegTsError('INVALID_SECTION', message);
}

/**
 * The section a packet's payload starts (pointer_field skipped), without its CRC. Sections must fit in one packet,
 * as the PAT and PMT of a handful of streams do; a longer one is refused rather than reassembled.
 */
function section(payload: Uint8Array, tableId: number): Uint8Array {
  const pointer = payload[0];
  if (pointer === undefined) throw invalid('empty PSI payload');
  const start = 1 + pointer;
  if (start + 3 > payload.length) throw invalid(`pointer_field ${pointer} points past the packet`);
  if (payload[start] !== tableId) throw invalid(`table_id ${payload[start]} where ${tableId} was expected`);
  const length = ((payload[start + 1]! & 0x0f) << 8) | payload[start + 2]!;
  const end = start + 3 + length;
  if (length < 9 || end > payload.length) throw invalid(`section_length ${length} does not fit in one packet`);
  return payload.subarray(start, end - 4);
}

/** Program map PIDs from a PAT (program 0, the network PID, is skipped). */
export function parsePat(payload: Uint8Array): number[] {
  const s = section(payload, 0x00);
  const pids: number[] = [];
  for (let at = 8; at + 4 <= s.length; at += 4) {
    const program = (s[at]! << 8) | s[at + 1]!;
    if (program !== 0) pids.push(((s[at + 2]! & 0x1f) << 8) | s[at + 3]!);
  }
  return pids;
}

/** The elementary streams a PMT lists. */
export function parsePmt(payload: Uint8Array): PmtStream[] {
  const s = section(payload, 0x02);
  const programInfoLength = ((s[10]! & 0x0f) << 8) | s[11]!;
  const streams: PmtStream[] = [];
  let at = 12 + programInfoLength;
  while (at + 5 <= s.length) {
    const esInfoLength = ((s[at + 3]! & 0x0f) << 8) | s[at + 4]!;
    streams.push({ streamType: s[at]!, pid: ((s[at + 1]! & 0x1f) << 8) | s[at + 2]! });
    at += 5 + esInfoLength;
  }
  if (at !== s.length) throw invalid('PMT stream loop overruns its section');
  return streams;
}
