import { ffprobe } from './ffprobe.ts';

/** One packet as ffprobe lists it, in decode order. */
export interface ProbedPacket {
  readonly codecType: string;
  /** In the stream's time base (FLV: ms; MP4: the track's timescale). dts falls back to pts when ffprobe omits it. */
  readonly pts: number;
  readonly dts: number;
  readonly ptsSec: number;
  readonly dtsSec: number;
  readonly duration: number;
  readonly keyframe: boolean;
  readonly size: number;
}

interface RawPacket {
  readonly codec_type?: string;
  readonly pts?: number;
  readonly dts?: number;
  readonly pts_time?: string;
  readonly dts_time?: string;
  readonly duration?: number;
  readonly flags?: string;
  readonly size?: string;
}

/** ffprobe's packet list of `file`, of one stream (`v:0`, `a:0`) or of all. */
export function probePackets(file: string, stream?: string): ProbedPacket[] {
  const select = stream === undefined ? [] : ['-select_streams', stream];
  const entries = 'packet=codec_type,pts,dts,pts_time,dts_time,duration,flags,size';
  const { json } = ffprobe([...select, '-show_entries', entries, file]);
  return ((json as { packets?: RawPacket[] }).packets ?? []).map((p) => ({
    codecType: p.codec_type ?? '',
    pts: Number(p.pts),
    dts: Number(p.dts ?? p.pts),
    ptsSec: Number(p.pts_time),
    dtsSec: Number(p.dts_time ?? p.pts_time),
    duration: Number(p.duration ?? 0),
    keyframe: (p.flags ?? '').startsWith('K'),
    size: Number(p.size ?? 0),
  }));
}
