export interface VideoInitTrack {
  readonly trackId: number;
  readonly kind: 'video';
  /** Ticks per second of this track's timestamps, usually 90000. */
  readonly timescale: number;
  readonly width: number;
  readonly height: number;
  /** SPS and PPS NAL units without start codes or length prefixes. */
  readonly sps: readonly Uint8Array[];
  readonly pps: readonly Uint8Array[];
}

export interface AacInitTrack {
  readonly trackId: number;
  readonly kind: 'audio';
  readonly codec: 'aac';
  /** Equal to the sample rate so one AAC frame lasts 1024 ticks. */
  readonly timescale: number;
  readonly asc: Uint8Array;
  readonly channels: number;
  readonly sampleRate: number;
}

/** Opus channel mapping (RFC 7845 5.1.1); required for more than two channels, where family 0 cannot apply. */
export interface OpusChannelMapping {
  readonly family: number;
  readonly streamCount: number;
  readonly coupledCount: number;
  readonly mapping: readonly number[];
}

export interface OpusInitTrack {
  readonly trackId: number;
  readonly kind: 'audio';
  readonly codec: 'opus';
  readonly timescale: 48000;
  readonly channels: number;
  /** Samples at 48 kHz the decoder drops at the start. */
  readonly preSkip: number;
  /** Informational: the rate the encoder was fed. */
  readonly inputSampleRate: number;
  readonly channelMapping?: OpusChannelMapping;
}

export type InitTrack = VideoInitTrack | AacInitTrack | OpusInitTrack;

export interface FragmentSample {
  /** Sample bytes; for H.264, NAL units with 4-byte length prefixes. */
  readonly data: Uint8Array;
  /** Ticks of the track timescale until the next sample's decode time. */
  readonly duration: number;
  /** Sync sample (IDR); audio samples should always pass true. */
  readonly keyframe: boolean;
  /** pts - dts in ticks; may be negative (trun version 1). */
  readonly compositionOffset: number;
}

export interface FragmentTrack {
  readonly trackId: number;
  /** Decode time of the first sample, integer ticks; may exceed 2^32 (tfdt version 1). */
  readonly baseMediaDecodeTime: number;
  readonly samples: readonly FragmentSample[];
}

export interface Fragment {
  /** mfhd sequence_number: starts at 1 and increases per fragment. */
  readonly sequenceNumber: number;
  readonly tracks: readonly FragmentTrack[];
}
