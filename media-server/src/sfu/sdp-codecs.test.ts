import { describe, expect, it } from 'vitest';
import { SdpParseError, UnsupportedCodecError } from './errors.ts';
import { chooseOpus, choosePublisherVideo, chooseViewerVideo, describeOffer, pruneOffer } from './sdp-codecs.ts';

/** The shape of a Chromium offer: several H.264 profiles and modes, VP8 first, RTX per codec. */
const CHROMIUM_LIKE = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 106 107 112 113',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=rtpmap:106 H264/90000',
  'a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f',
  'a=rtpmap:107 rtx/90000',
  'a=fmtp:107 apt=106',
  'a=rtpmap:112 H264/90000',
  'a=rtcp-fb:112 nack',
  'a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:113 rtx/90000',
  'a=fmtp:113 apt=112',
  '',
].join('\r\n');

describe('pruneOffer', () => {
  it('keeps constrained baseline mode 1 and its RTX for a publisher, Opus alone for audio', () => {
    const { sdp, chosen } = pruneOffer(CHROMIUM_LIKE, { video: choosePublisherVideo, audio: chooseOpus }, 'hint');
    expect(chosen.video?.payloadType).toBe(112);
    expect(chosen.audio?.payloadType).toBe(111);
    expect(sdp).toContain('m=video 9 UDP/TLS/RTP/SAVPF 112 113\r\n');
    expect(sdp).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n');
    expect(sdp).not.toMatch(/a=(rtpmap|fmtp|rtcp-fb):(96|97|102|103|106|107|63|9) /);
    expect(sdp).toContain('a=rtcp-fb:112 nack');
    const media = describeOffer(sdp);
    expect(media.map((m) => m.codecs.map((c) => c.name))).toEqual([['opus'], ['H264', 'rtx']]);
  });

  it('picks the viewer payload type whose profile matches the source, else constrained baseline', () => {
    const baseline = pruneOffer(
      CHROMIUM_LIKE,
      { video: chooseViewerVideo('packetization-mode=1;profile-level-id=42001f'), audio: chooseOpus },
      'hint',
    );
    expect(baseline.chosen.video?.payloadType).toBe(102);
    const high = pruneOffer(
      CHROMIUM_LIKE,
      { video: chooseViewerVideo('packetization-mode=1;profile-level-id=640c1f'), audio: chooseOpus },
      'hint',
    );
    expect(high.chosen.video?.payloadType).toBe(112);
  });

  it('refuses VP8-only video with a reason naming what was offered', () => {
    const vp8 = CHROMIUM_LIKE.replace(/m=video 9 UDP\/TLS\/RTP\/SAVPF .*/, 'm=video 9 UDP/TLS/RTP/SAVPF 96 97');
    expect(() => pruneOffer(vp8, { video: choosePublisherVideo, audio: chooseOpus }, 'use H.264')).toThrow(
      new UnsupportedCodecError('the video offered (VP8) cannot be used; use H.264'),
    );
  });

  it('refuses H.264 in packetization mode 0 only', () => {
    const mode0 = CHROMIUM_LIKE.replace(/m=video 9 UDP\/TLS\/RTP\/SAVPF .*/, 'm=video 9 UDP/TLS/RTP/SAVPF 106 107');
    expect(() => pruneOffer(mode0, { video: choosePublisherVideo, audio: chooseOpus }, 'x')).toThrow(
      UnsupportedCodecError,
    );
  });

  it('rejects text that is not SDP', () => {
    for (const bad of ['', 'hello', 'v=0\r\ns=-\r\n', 'v=0\r\nm=video 9 RTP\r\n', 'v=0\r\nnot a line\r\n']) {
      expect(() => pruneOffer(bad, { video: choosePublisherVideo, audio: chooseOpus }, 'x'), bad).toThrow(
        SdpParseError,
      );
    }
  });
});
