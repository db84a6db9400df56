import { describe, expect, it } from 'vitest';
import { EDGE_REPORT_TTL_MS, EdgeAudience, MAX_EDGE_SESSIONS } from './edge-audience.ts';

const live = () => true;

describe('viewers behind edge SFUs', () => {
  it('counts what each edge reports instead of its one session, per channel', () => {
    const audience = new EdgeAudience();
    expect(audience.report('s1', 'a', 120, 0)).toBe(true);
    expect(audience.report('s2', 'a', 30, 0)).toBe(true);
    expect(audience.report('s3', 'b', 5, 0)).toBe(true);
    expect(audience.extraViewers('a', 1000, live)).toBe(119 + 29);
    expect(audience.extraViewers('b', 1000, live)).toBe(4);
    // A newer report replaces the older one.
    audience.report('s1', 'a', 10, 2000);
    expect(audience.extraViewers('a', 2000, live)).toBe(9 + 29);
    // An edge with no viewer left takes its own session off the count.
    audience.report('s3', 'b', 0, 2000);
    expect(audience.extraViewers('b', 2000, live)).toBe(-1);
  });

  it('drops stale reports and sessions that ended, and refuses counts out of range', () => {
    const audience = new EdgeAudience();
    audience.report('s1', 'a', 50, 0);
    audience.report('s2', 'a', 20, 0);
    expect(audience.extraViewers('a', EDGE_REPORT_TTL_MS + 1, live)).toBe(0);
    expect(audience.extraViewers('a', 10, (id) => id !== 's1')).toBe(19);
    expect(audience.report('s3', 'a', -1, 0)).toBe(false);
    expect(audience.report('s3', 'a', 1.5, 0)).toBe(false);
    expect(audience.report('s3', 'a', 2_000_000, 0)).toBe(false);
    expect(audience.edges(10)).toEqual(new Map([['a', 2]]));
  });

  it('holds at most MAX_EDGE_SESSIONS sessions, however many report', () => {
    const audience = new EdgeAudience();
    for (let i = 0; i < MAX_EDGE_SESSIONS + 500; i++) audience.report(`s${i}`, 'a', 2, 0);
    expect(audience.extraViewers('a', 0, live)).toBe(MAX_EDGE_SESSIONS);
  });
});
