import { Session } from 'node:inspector';

/** V8 precise coverage of one script (Chrome DevTools Protocol, Profiler.ScriptCoverage). */
interface ScriptCoverage {
  readonly scriptId: string;
  readonly url: string;
  readonly functions: readonly {
    readonly functionName: string;
    readonly ranges: readonly { readonly startOffset: number; readonly endOffset: number; readonly count: number }[];
  }[];
}

export interface Ratio {
  readonly covered: number;
  readonly total: number;
}

export interface FileCoverage {
  /** Path from the repository root. */
  readonly file: string;
  readonly functions: Ratio;
  /** TypeScript lines inside functions whose first piece of code ran. */
  readonly lines: Ratio;
  readonly uncoveredFunctions: readonly string[];
  /** TypeScript line numbers counted in `lines` whose code never ran. */
  readonly uncoveredLines: readonly number[];
}

export function percent(r: Ratio): number {
  return r.total === 0 ? 100 : (100 * r.covered) / r.total;
}

export function sumRatios(items: readonly Ratio[]): Ratio {
  return items.reduce((a, b) => ({ covered: a.covered + b.covered, total: a.total + b.total }), {
    covered: 0,
    total: 0,
  });
}

/** A generated offset and the original (TypeScript) line it comes from, 1-based. */
interface Segment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map v3 `mappings` (base64 VLQ) to segments with generated offsets. */
export function decodeMappings(generated: string, mappings: string): Segment[] {
  const lineStarts = [0];
  for (let i = 0; i < generated.length; i++) if (generated.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const out: Segment[] = [];
  const state = [0, 0, 0, 0, 0]; // generated column, source, original line, original column, name
  let genLine = 0;
  let field = 0;
  let value = 0;
  let shift = 0;
  const fields: number[] = [];
  const endSegment = () => {
    if (fields.length >= 4) {
      out.push({ offset: (lineStarts[genLine] ?? 0) + state[0]!, line: state[2]! + 1, column: state[3]! });
    }
    fields.length = 0;
    field = 0;
  };
  for (const ch of mappings) {
    if (ch === ',' || ch === ';') {
      endSegment();
      if (ch === ';') {
        genLine++;
        state[0] = 0;
      }
      continue;
    }
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    const decoded = value % 2 === 1 ? -Math.floor(value / 2) : value / 2;
    state[field] = (state[field] ?? 0) + decoded;
    fields.push(decoded);
    field++;
    value = 0;
    shift = 0;
  }
  endSegment();
  return out;
}

/** The inline source map tsx (esbuild) appends to the code it runs. */
function inlineMappings(generated: string): string | undefined {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(generated);
  if (match === null) return undefined;
  const map = JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as { mappings?: string };
  return map.mappings;
}

/**
 * Per-file function and line coverage from V8 block coverage. Every range V8 reports is painted with its count,
 * outer ranges first, so each byte of the code V8 ran ends with the count of the innermost block around it. The
 * inline source map takes each byte back to its TypeScript line: a line inside a function counts as covered when the
 * first piece of code on it ran (module top-level code always runs and is not counted).
 */
export function fileCoverage(file: string, script: ScriptCoverage, generated: string): FileCoverage {
  const ranges = script.functions
    .flatMap((f) => f.ranges)
    .sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  const counts = new Float64Array(generated.length).fill(-1);
  const inFunction = new Uint8Array(generated.length);
  for (const r of ranges) counts.fill(r.count, r.startOffset, Math.min(r.endOffset, generated.length));
  const segments = decodeMappings(generated, inlineMappings(generated) ?? '');
  const lineAt = (offset: number): number => {
    let best: Segment | undefined;
    for (const s of segments) if (s.offset >= offset && (best === undefined || s.offset < best.offset)) best = s;
    return best?.line ?? 0;
  };
  let functionsCovered = 0;
  let functionsTotal = 0;
  const uncoveredFunctions: string[] = [];
  for (const f of script.functions) {
    const whole = f.ranges[0];
    if (whole === undefined) continue;
    const topLevel = whole.startOffset === 0 && whole.endOffset >= generated.length - 1;
    // esbuild's __name helper and class field initializers are not functions of the source.
    if (topLevel || f.functionName === '__name' || f.functionName.startsWith('<')) continue;
    functionsTotal++;
    if (whole.count > 0) functionsCovered++;
    else uncoveredFunctions.push(f.functionName || `(anonymous, line ${lineAt(whole.startOffset)})`);
    inFunction.fill(1, whole.startOffset, Math.min(whole.endOffset, generated.length));
  }
  const firstOnLine = new Map<number, Segment>();
  for (const s of segments) {
    if (inFunction[s.offset] !== 1) continue;
    const seen = firstOnLine.get(s.line);
    if (seen === undefined || s.column < seen.column) firstOnLine.set(s.line, s);
  }
  let linesCovered = 0;
  const uncoveredLines: number[] = [];
  for (const [line, s] of firstOnLine) {
    if ((counts[s.offset] ?? 0) > 0) linesCovered++;
    else uncoveredLines.push(line);
  }
  return {
    file,
    functions: { covered: functionsCovered, total: functionsTotal },
    lines: { covered: linesCovered, total: firstOnLine.size },
    uncoveredFunctions,
    uncoveredLines: uncoveredLines.sort((a, b) => a - b),
  };
}

/**
 * Precise coverage of this isolate (a worker has its own) through the inspector. Start it before the code under test
 * is imported: V8 leaves out functions it compiled before, when their module's top level did not run under coverage.
 */
export class CoverageRecorder {
  readonly #session = new Session();

  #post<T>(method: string, params: object = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)));
    });
  }

  async start(): Promise<void> {
    this.#session.connect();
    await this.#post('Profiler.enable');
    await this.#post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
  }

  /** Coverage of the given files (paths from the repository root); a file never loaded counts as 0 of 0. */
  async collect(files: readonly string[]): Promise<FileCoverage[]> {
    const { result } = await this.#post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
    await this.#post('Profiler.stopPreciseCoverage');
    await this.#post('Debugger.enable');
    const out: FileCoverage[] = [];
    for (const file of files) {
      const script = result.find((s) => s.url.startsWith('file:') && new URL(s.url).pathname.endsWith(`/${file}`));
      if (script === undefined) {
        const none = { covered: 0, total: 0 };
        out.push({ file, functions: none, lines: none, uncoveredFunctions: [], uncoveredLines: [] });
        continue;
      }
      const { scriptSource } = await this.#post<{ scriptSource: string }>('Debugger.getScriptSource', {
        scriptId: script.scriptId,
      });
      out.push(fileCoverage(file, script, scriptSource));
    }
    await this.#post('Debugger.disable');
    this.#session.disconnect();
    return out;
  }
}
