import { writeFileSync } from 'node:fs';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { resultPath } from './results.ts';

/** Renders a vega-lite spec to SVG in Node (no browser, headless view) as `results/<name>.svg`; returns the path. */
export async function writeChart(name: string, spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const path = resultPath(`${name}.svg`);
  writeFileSync(path, svg);
  return path;
}
