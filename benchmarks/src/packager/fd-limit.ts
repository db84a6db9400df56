import { readdirSync, readFileSync } from 'node:fs';

/** This process's soft RLIMIT_NOFILE and how many descriptors it holds now (Linux /proc). */
export function fdUsage(): { limit: number; open: number } {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  const limit = !match || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  return { limit, open: readdirSync('/proc/self/fd').length };
}
