import { describe, expect, it } from 'vitest';
import { CRASHES_DIR, readCorpus } from './corpus.ts';
import { targetNamed } from './targets/index.ts';
import { isTyped } from './targets/target.ts';

/**
 * Regression vectors: every input the fuzzer ever saved under corpus/crashes/<target>/ must now end in the target's
 * typed errors (or no error), quickly. A `.txt` beside each says what it once did.
 */
const vectors = readCorpus(CRASHES_DIR);

describe('saved fuzz findings', () => {
  it('are stored per target', () => {
    for (const v of vectors) expect(() => targetNamed(v.target)).not.toThrow();
  });

  it.each(vectors.map((v) => [`${v.target}/${v.path.split('/').pop()}`, v] as const))(
    '%s ends in a typed error or none, within 1 s',
    (_name, vector) => {
      const target = targetNamed(vector.target);
      const started = performance.now();
      let thrown: unknown;
      try {
        target.run(vector.bytes);
      } catch (error) {
        thrown = error;
      }
      if (thrown !== undefined && !isTyped(target, thrown)) throw thrown;
      expect(performance.now() - started).toBeLessThan(1000);
    },
  );
});
