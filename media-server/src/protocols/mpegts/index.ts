export { DEFAULT_MAX_PES_BYTES, TS_PACKET_BYTES, TsDemuxer, type TsDemuxerOptions, type TsEvent } from './demuxer.ts';
export { MpegTsError, type MpegTsErrorCode } from './errors.ts';
export { type PesHeader, parsePesHeader } from './pes.ts';
export { type PmtStream, parsePat, parsePmt } from './psi.ts';
