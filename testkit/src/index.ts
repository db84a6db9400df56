/**
 * What Glint's tests and benchmarks share, light enough for the unit tier (no media server, no werift, no browser
 * until one is launched). What runs the media server or werift in this process is `@glint/testkit/media-server`.
 * Production code (any package's src/ outside tests) never imports the kit.
 */

export { decodeErrors } from './decode-errors.ts';
export { FakeRtpSource } from './fake-rtp-source.ts';
export { ffmpeg } from './ffmpeg.ts';
export { ffprobe, type ProbeResult } from './ffprobe.ts';
export { interleave, type MediaItem } from './interleave.ts';
export { BACKGROUND_TAB_FLAGS, CHROMIUM, launchChromium } from './launch-chromium.ts';
export { type Fixture, type FixtureOptions, makeFixture } from './make-fixture.ts';
export { makeTempDir, type TempDir } from './make-temp-dir.ts';
export { type EncodeOptions, encodeArgs, type MediaSpec } from './media-spec.ts';
export { packBits } from './pack-bits.ts';
export { type ProbedPacket, probePackets } from './probe-packets.ts';
export { type Publisher, type PublishOptions, publish } from './publisher.ts';
export { requireTool } from './require-tool.ts';
export { seededRandom } from './seeded-random.ts';
export { type BlankOrigin, startBlankOrigin } from './start-blank-origin.ts';
export { type RedisServer, startRedisServer } from './start-redis-server.ts';
export { type StunResponder, startStunResponder } from './stun-responder.ts';
export { udpSocketCount, udpSockets } from './udp-sockets.ts';
export { type UntilOptions, until } from './until.ts';
