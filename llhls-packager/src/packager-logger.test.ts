/** Problems inside the packager reach the logger its owner passes; the packager never writes to the process. */
import type { Logger, VideoAccessUnit } from '@glint/media-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LivePackager } from './packager.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** x264's parameter sets for High profile 640x360. */
const SPS = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const PPS = hex('68ebe3cb22c0');

function accessUnit(index: number): VideoAccessUnit {
  const data = new Uint8Array(4 + 500);
  new DataView(data.buffer).setUint32(0, 500);
  data[4] = index % 30 === 0 ? 0x65 : 0x41;
  return { data, format: 'avcc', dts90k: index * 3000, pts90k: index * 3000, keyframe: index % 30 === 0 };
}

/** A logger that keeps its warn and error lines. */
function recordingLogger(): Logger & { lines: Array<[string, Record<string, unknown>, string | undefined]> } {
  const lines: Array<[string, Record<string, unknown>, string | undefined]> = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void =>
      void lines.push([level, fields as Record<string, unknown>, message]);
  return { lines, debug: () => {}, info: () => {}, warn: at('warn'), error: at('error') };
}

function feed(packager: LivePackager, frames: number): void {
  packager.setVideoConfig({ codec: 'h264', sps: [SPS], pps: [PPS] });
  for (let i = 0; i < frames; i++) packager.pushVideo(accessUnit(i));
}

afterEach(() => vi.restoreAllMocks());

describe('the packager logger', () => {
  it('hears a failing segment sink; the live output goes on and nothing is emitted as a process warning', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    const logger = recordingLogger();
    const packager = new LivePackager({
      expect: { video: true, audio: false },
      clock: () => 0,
      logger,
      sink: {
        onSegment: () => {
          throw new Error('disk full');
        },
      },
    });
    feed(packager, 100);
    const failures = logger.lines.filter(([, , message]) => message?.startsWith('segment sink failed'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]?.[0]).toBe('warn');
    expect(failures[0]?.[1]).toMatchObject({ rendition: 'video', msn: 0 });
    expect(String(failures[0]?.[1].err)).toContain('disk full');
    expect(packager.rendition('video')?.nextPartId).toBeGreaterThan(10);
    expect(emitWarning).not.toHaveBeenCalled();
  });

  it('hears a change listener that throws, named by its emitter', () => {
    const logger = recordingLogger();
    const packager = new LivePackager({ expect: { video: true, audio: false }, clock: () => 0, logger });
    packager.onChange(() => {
      throw new Error('listener bug');
    });
    feed(packager, 40);
    expect(logger.lines.some(([level, fields]) => level === 'error' && fields.emitter === 'packager')).toBe(true);
  });

  it('is silent by default', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    const packager = new LivePackager({
      expect: { video: true, audio: false },
      clock: () => 0,
      sink: {
        onSegment: () => {
          throw new Error('disk full');
        },
      },
    });
    feed(packager, 100);
    expect(emitWarning).not.toHaveBeenCalled();
  });
});
