import { describe, expect, it } from 'vitest';
import { parseOffer } from '../sdp-offer.ts';
import { answerSdp, capabilitiesOf, fmtpParameters, offerDtls } from './whep-answer.ts';

/** The shape of a Chromium recvonly WHEP offer (trimmed to what the engine reads). */
const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 102 103',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789012345678901',
  'a=fingerprint:sha-256 AA:BB:CC',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=recvonly',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 goog-remb',
  'a=rtcp-fb:102 nack',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=recvonly',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  '',
].join('\r\n');

describe('WHEP answers over mediasoup', () => {
  const offer = parseOffer(OFFER);
  const [video, audio] = offer.sections;

  it('reads the DTLS fingerprint and answers passive to actpass or active, active to passive', () => {
    expect(offerDtls(offer)).toEqual({
      fingerprint: { algorithm: 'sha-256', value: 'AA:BB:CC' },
      remoteRole: 'client',
      localSetup: 'passive',
    });
    const passive = parseOffer(OFFER.replace('a=setup:actpass', 'a=setup:passive'));
    expect(offerDtls(passive)).toMatchObject({ remoteRole: 'server', localSetup: 'active' });
    expect(() => offerDtls(parseOffer(OFFER.replace(/a=fingerprint.*\r\n/, '')))).toThrow(/fingerprint/);
  });

  it('turns the chosen codec into capabilities under the offer’s numbers, fmtp digits as numbers', () => {
    const h264 = video?.codecs.find((c) => c.name === 'H264');
    if (!video || !h264) throw new Error('fixture');
    const caps = capabilitiesOf(video, h264);
    expect(caps.codecs).toEqual([
      {
        kind: 'video',
        mimeType: 'video/H264',
        preferredPayloadType: 102,
        clockRate: 90000,
        parameters: { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '42e01f' },
        rtcpFeedback: [{ type: 'goog-remb' }, { type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      },
    ]);
    expect(caps.headerExtensions).toEqual([
      { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 4 },
    ]);
    expect(fmtpParameters({ 'profile-level-id': '640c1f', 'sprop-parameter-sets': 'Z0IA,aM4' })).toEqual({
      'profile-level-id': '640c1f',
      'sprop-parameter-sets': 'Z0IA,aM4',
    });
  });

  it('writes a bundled ICE-lite sendonly answer; a section with nothing to send is refused with port 0', () => {
    if (!video || !audio) throw new Error('fixture');
    const sdp = answerSdp({
      transport: {
        iceParameters: { usernameFragment: 'uf', password: 'pw' },
        iceCandidates: [
          {
            foundation: 'udpcandidate',
            priority: 1076302079,
            address: '127.0.0.1',
            protocol: 'udp',
            port: 40000,
            type: 'host',
          },
        ],
        dtlsParameters: {
          fingerprints: [
            { algorithm: 'sha-1', value: '11' },
            { algorithm: 'sha-256', value: '22:33' },
          ],
        },
      },
      dtls: offerDtls(offer),
      sessionId: '7',
      media: [
        {
          section: video,
          rtp: {
            codecs: [
              {
                mimeType: 'video/H264',
                payloadType: 102,
                clockRate: 90000,
                parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
                rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
              },
            ],
            encodings: [{ ssrc: 1234 }],
            rtcp: { cname: 'glint' },
          },
        },
        { section: audio, rtp: null },
      ],
    });
    const lines = sdp.split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'a=ice-lite',
        'a=group:BUNDLE 0',
        'm=video 9 UDP/TLS/RTP/SAVPF 102',
        'a=fingerprint:sha-256 22:33',
        'a=setup:passive',
        'a=mid:0',
        'a=sendonly',
        'a=rtpmap:102 H264/90000',
        'a=rtcp-fb:102 nack pli',
        'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f',
        'a=ssrc:1234 cname:glint',
        'a=candidate:udpcandidate 1 udp 1076302079 127.0.0.1 40000 typ host',
        'm=audio 0 UDP/TLS/RTP/SAVPF 111',
        'a=inactive',
      ]),
    );
    expect(sdp.endsWith('\r\n')).toBe(true);
  });
});
