import { Agent, get } from 'node:http';

/** The part a client asks for next, read from a full media playlist as a player would. */
export function nextPart(playlist: string): { msn: number; part: number } {
  const lines = playlist.split('\n').map((l) => l.trim());
  let mediaSequence = 0;
  let segments = 0;
  let trailingParts = 0;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line.startsWith('#EXTINF:')) segments++;
    else if (line.startsWith('#EXT-X-PART:')) trailingParts++;
    else if (line !== '' && !line.startsWith('#')) trailingParts = 0; // a segment URI closes its parts
  }
  return { msn: mediaSequence + segments, part: trailingParts };
}

export interface BlockingAnswer {
  readonly msn: number;
  readonly part: number;
  /** performance.now() when the whole response had arrived. */
  readonly receivedMs: number;
}

/**
 * One LL-HLS client on a keep-alive connection: asks for the next part with a blocking playlist request
 * (_HLS_msn/_HLS_part), notes when the answer arrives, and asks for the one after, until stopped.
 */
export class BlockingClient {
  readonly answers: BlockingAnswer[] = [];
  errors = 0;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly #url: string;
  #stopped = false;

  constructor(playlistUrl: string) {
    this.#url = playlistUrl;
  }

  async run(): Promise<void> {
    let playlist: string | null = null;
    while (!this.#stopped && playlist === null) {
      playlist = await this.#get(this.#url).catch(() => null);
      if (playlist === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    while (!this.#stopped && playlist !== null) {
      const { msn, part } = nextPart(playlist);
      const text: string | null = await this.#get(`${this.#url}?_HLS_msn=${msn}&_HLS_part=${part}`).catch(() => null);
      if (this.#stopped) return;
      if (text === null) {
        this.errors++;
        playlist = await this.#get(this.#url).catch(() => null);
        continue;
      }
      this.answers.push({ msn, part, receivedMs: performance.now() });
      playlist = text;
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#agent.destroy();
  }

  #get(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = get(url, { agent: this.#agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }
}
