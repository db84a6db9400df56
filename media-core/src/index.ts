export { addressGroup } from './address-group.ts';
export * as codec from './codec/index.ts';
export { GlintError, isGlintError } from './errors.ts';
export { Listeners } from './listeners.ts';
export { type Logger, silentLogger } from './logger.ts';
export type * from './media.ts';
