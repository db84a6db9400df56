import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fixture, interleave } from '@glint/testkit';
import { LivePackager, type PackagerOptions } from '../src/packager.ts';
import { LlhlsHttp } from '../src/server/handler.ts';

/** A packager behind a real HTTP server on 127.0.0.1, fed from a fixture by hand, with a clock the test moves. */
export class Harness {
  readonly packager: LivePackager;
  readonly http: LlhlsHttp;
  readonly server: Server;
  nowMs = Date.UTC(2026, 10, 25, 12, 0, 0);
  #items: ReturnType<typeof interleave>;
  #next = 0;
  #base = '';

  constructor(fixture: Fixture, options: PackagerOptions = {}) {
    this.packager = new LivePackager({ clock: () => this.nowMs, ...options });
    this.packager.setAudioConfig(fixture.audioConfig);
    this.http = new LlhlsHttp(this.packager, { clock: () => this.nowMs, sweepIntervalMs: 20, startWaitMs: 500 });
    this.#items = interleave(fixture.video, fixture.audio);
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.http.handle(req, res, url.pathname.replace(/^\/live\//, ''), url.searchParams);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/live/`;
    return this.#base;
  }

  url(path: string): string {
    return this.#base + path;
  }

  /** Pushes media in decode order until `seconds` of it went in (from the first timestamp). */
  feedUntil(seconds: number): void {
    const t0 = this.#items[0]?.t90k ?? 0;
    while (this.#next < this.#items.length) {
      const item = this.#items[this.#next];
      if (!item || item.t90k - t0 > seconds * 90000) break;
      if (item.kind === 'video') this.packager.pushVideo(item.au);
      else this.packager.pushAudio(item.frame);
      this.#next++;
    }
  }

  /** Pushes one item at a time until `done` says so. */
  feedWhile(notDone: () => boolean): void {
    while (notDone() && this.#next < this.#items.length) {
      const item = this.#items[this.#next++];
      if (item?.kind === 'video') this.packager.pushVideo(item.au);
      else if (item) this.packager.pushAudio(item.frame);
    }
  }

  async close(): Promise<void> {
    this.http.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Resolves when `promise` settles, or reports that it is still pending after `ms`. */
export async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<{ settled: boolean; value?: T }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false }>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
  });
  const result = await Promise.race([promise.then((value) => ({ settled: true as const, value })), timeout]);
  clearTimeout(timer);
  return result;
}
