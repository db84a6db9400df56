import { createHash } from 'node:crypto';

/**
 * The Lua scripts the Redis bus runs: each one is atomic on the server, which is what makes a room's seq, history
 * and pub/sub order one thing. Numbers go out through string.format('%d') because Lua's default number formatting
 * switches to exponents for large values.
 */

/**
 * KEYS: seq, history. ARGV: channel, event JSON (an object without seq), history limit, floor, gap.
 * A seq below the pod's floor means Redis lost the room (a restart without persistence) or the pod sequenced events
 * locally while away: the seq moves `gap` past the floor, above what any pod delivered on its own meanwhile.
 * Returns the stored bytes, the same that every subscribed pod receives.
 */
export const PUBLISH_SCRIPT = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[4])
if cur < floor then cur = floor + tonumber(ARGV[5]) end
local seq = string.format('%d', cur + 1)
redis.call('SET', KEYS[1], seq)
local payload = '{"seq":' .. seq .. ',' .. string.sub(ARGV[2], 2)
redis.call('RPUSH', KEYS[2], payload)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PUBLISH', ARGV[1], payload)
return payload
`;

/** KEYS: seq. ARGV: floor, gap. The max-set a pod runs for its rooms when it gets Redis back. Returns the seq. */
export const RESEED_SCRIPT = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if cur < floor then
  cur = floor + tonumber(ARGV[2])
  redis.call('SET', KEYS[1], string.format('%d', cur))
end
return string.format('%d', cur)
`;

/** KEYS: seq, history. ARGV: how many of the last events. Returns {seq, events…} read at one instant. */
export const HISTORY_SCRIPT = `
local seq = redis.call('GET', KEYS[1]) or '0'
local events = redis.call('LRANGE', KEYS[2], -tonumber(ARGV[1]), -1)
table.insert(events, 1, seq)
return events
`;

/** KEYS: counter. ARGV: limit, window ms. Returns 0 under the limit, else ms until the window ends. */
export const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(ARGV[2])
end
return ttl
`;

/**
 * KEYS: the room's chatter hash. ARGV: pod id, count, ttl ms. A field per pod, "count:expiresAtMs" by Redis's clock
 * (Redis 7.0 has no per-field expiry); a pod that dies stops refreshing and its field stops counting.
 */
export const REPORT_CHATTERS_SCRIPT = `
if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%d', now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: the room's chatter hash. The sum of the pods' live counts; expired fields are removed. */
export const CHATTERS_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HGETALL', KEYS[1])
local sum = 0
for i = 1, #all, 2 do
  local count, expires = string.match(all[i + 1], '^(%d+):(%d+)$')
  if count and tonumber(expires) > now then
    sum = sum + tonumber(count)
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return sum
`;

export interface Script {
  readonly source: string;
  readonly sha1: string;
}

export const script = (source: string): Script => ({
  source,
  sha1: createHash('sha1').update(source).digest('hex'),
});

/** The part of a node-redis client that runs scripts. */
export interface ScriptRunner {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(source: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** By digest, and by source when Redis does not have it (its script cache is empty after a restart). */
export async function runScript(
  client: ScriptRunner,
  { source, sha1 }: Script,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalSha(sha1, { keys, arguments: args });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
      return client.eval(source, { keys, arguments: args });
    }
    throw error;
  }
}
