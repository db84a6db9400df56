import { isGlintError } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { ChannelAlreadyLiveError, StreamHub } from './hub.ts';
import type { LiveStream } from './live-stream.ts';
import type { StreamEndReason } from './types.ts';

function newHub(errors: Array<[unknown, string]> = []): StreamHub {
  return new StreamHub({ clock: () => 42_000, onReaderError: (error, channelId) => errors.push([error, channelId]) });
}

describe('StreamHub', () => {
  it('publishes a live stream per channel', () => {
    const hub = newHub();
    const stream = hub.publish('demo', 'rtmp');
    expect(stream).toMatchObject({ channelId: 'demo', source: 'rtmp', startedAtMs: 42_000 });
    expect(hub.get('demo')).toBe(stream);
    expect(hub.isLive('demo')).toBe(true);
    expect(hub.isLive('other')).toBe(false);
    expect(hub.streams).toEqual([stream]);
  });

  it('refuses a second publisher on a live channel with ChannelAlreadyLiveError; others are unaffected', () => {
    const hub = newHub();
    const first = hub.publish('demo', 'rtmp');
    let thrown: unknown;
    try {
      hub.publish('demo', 'whip');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ChannelAlreadyLiveError);
    expect(isGlintError(thrown, 'CHANNEL_ALREADY_LIVE')).toBe(true);
    expect((thrown as ChannelAlreadyLiveError).channelId).toBe('demo');
    expect(hub.get('demo')).toBe(first);
    expect(hub.publish('other', 'whip').channelId).toBe('other');
  });

  it('end frees the channel for the next publisher and ends the stream with the reason', () => {
    const hub = newHub();
    const stream = hub.publish('demo', 'rtmp');
    const reasons: StreamEndReason[] = [];
    stream.attach({ onEvent: () => {}, onEnd: (reason) => reasons.push(reason) });
    hub.end(stream, 'unpublish');
    expect(hub.isLive('demo')).toBe(false);
    expect(stream.ended).toBe(true);
    expect(reasons).toEqual(['unpublish']);
    const next = hub.publish('demo', 'whip');
    expect(hub.get('demo')).toBe(next);
  });

  it('ending an old stream does not free a channel its successor holds', () => {
    const hub = newHub();
    const old = hub.publish('demo', 'rtmp');
    hub.end(old, 'disconnect');
    const successor = hub.publish('demo', 'rtmp');
    hub.end(old, 'disconnect');
    expect(hub.get('demo')).toBe(successor);
    expect(successor.ended).toBe(false);
  });

  it('tells every start listener of each stream, in order, until it unsubscribes', () => {
    const hub = newHub();
    const heard: string[] = [];
    hub.onStreamStart((s) => heard.push(`a:${s.channelId}`));
    const unsubscribe = hub.onStreamStart((s) => heard.push(`b:${s.channelId}`));
    hub.publish('one', 'rtmp');
    unsubscribe();
    hub.publish('two', 'whip');
    expect(heard).toEqual(['a:one', 'b:one', 'a:two']);
  });

  it('a start listener that throws is reported; the stream still starts and the others hear it', () => {
    const errors: Array<[unknown, string]> = [];
    const hub = newHub(errors);
    const heard: LiveStream[] = [];
    hub.onStreamStart(() => {
      throw new Error('output bug');
    });
    hub.onStreamStart((s) => heard.push(s));
    const stream = hub.publish('demo', 'rtmp');
    expect(heard).toEqual([stream]);
    expect(hub.isLive('demo')).toBe(true);
    expect(errors.map(([, channelId]) => channelId)).toEqual(['demo']);
  });

  it('shutdown ends every stream with "shutdown"', () => {
    const hub = newHub();
    const reasons: string[] = [];
    for (const id of ['a', 'b']) {
      hub.publish(id, 'rtmp').attach({ onEvent: () => {}, onEnd: (reason) => reasons.push(`${id}:${reason}`) });
    }
    hub.shutdown();
    expect(hub.streams).toEqual([]);
    expect(reasons.sort()).toEqual(['a:shutdown', 'b:shutdown']);
  });
});
