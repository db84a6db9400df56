import { describe, expect, it } from 'vitest';
import { StreamHub } from '../../stream/hub.ts';
import { flvEvents } from '../webrtc/test_media.ts';
import { LlhlsOutputs } from './from_stream.ts';

describe('LL-HLS output of a channel', () => {
  it('reports a corrupt SPS and keeps packaging the valid media that follows', async () => {
    const events = await flvEvents(2);
    const errors: unknown[] = [];
    const hub = new StreamHub({ onReaderError: (error) => errors.push(error) });
    const outputs = new LlhlsOutputs({
      partTargetMs: 200,
      segmentTargetMs: 1000,
      reconnectGraceMs: 1000,
      onError: (error) => errors.push(error),
    });
    hub.onStreamStart((stream) => outputs.onStreamStart(stream));
    const stream = hub.publish('ch', 'rtmp');
    stream.push({
      kind: 'video-config',
      config: { codec: 'h264', sps: [new Uint8Array([0x67, 0xff])], pps: [new Uint8Array([0x68])] },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_SPS' });
    for (const e of events) if (e.kind !== 'metadata') stream.push(e);
    const video = outputs.get('ch')?.packager.rendition('video');
    expect(video?.nextPartId).toBeGreaterThan(5);
    expect(errors).toHaveLength(1);
    outputs.close();
  });
});
