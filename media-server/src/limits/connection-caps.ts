import { addressGroup } from '@glint/media-core';

export interface ConnectionCapLimits {
  /** Open connections in total. */
  readonly maxTotal: number;
  /** Open connections from one address group (an IPv4 address, or an IPv6 /64). */
  readonly maxPerAddress: number;
}

export type CapVerdict = 'admitted' | 'over-total' | 'over-per-address';

/**
 * Counts open connections in total and per address group, so that anonymous clients cannot hold an unbounded number
 * of sockets. The map only holds groups with an open connection, so it is bounded by `maxTotal`.
 */
export class ConnectionCaps {
  readonly #limits: ConnectionCapLimits;
  readonly #byGroup = new Map<string, number>();
  #total = 0;

  constructor(limits: ConnectionCapLimits) {
    this.#limits = limits;
  }

  get total(): number {
    return this.#total;
  }

  /** Counts the connection when admitted; the caller then calls `release` with the same address once it closes. */
  admit(address: string): CapVerdict {
    if (this.#total >= this.#limits.maxTotal) return 'over-total';
    const group = addressGroup(address);
    const open = this.#byGroup.get(group) ?? 0;
    if (open >= this.#limits.maxPerAddress) return 'over-per-address';
    this.#byGroup.set(group, open + 1);
    this.#total += 1;
    return 'admitted';
  }

  release(address: string): void {
    const group = addressGroup(address);
    const open = this.#byGroup.get(group);
    if (open === undefined) return;
    if (open <= 1) this.#byGroup.delete(group);
    else this.#byGroup.set(group, open - 1);
    this.#total -= 1;
  }
}
