import type { AuthUser } from '@glint/platform';
import { isOnlyEmotes, markEmotes } from '../emotes/emote-parser.ts';
import type { EmoteSets } from '../emotes/emote-sets.ts';
import type { ChatBus } from '../hub/chat-bus.ts';
import { type EmotePosition, MAX_MESSAGE_CHARS } from '../protocol/types.ts';
import { ChatError, seconds } from './chat-error.ts';
import type { ChatLimits } from './chat-limits.ts';
import { type ChatterProfile, type ChatterProfiles, isModerator, isPrivileged } from './chatter-profiles.ts';
import type { Room } from './room.ts';

export interface SendCheckDeps {
  readonly bus: ChatBus;
  readonly profiles: ChatterProfiles;
  readonly limits: ChatLimits;
  readonly nowMs: () => number;
  readonly emotes: EmoteSets;
}

export interface AdmittedMessage {
  readonly profile: ChatterProfile;
  readonly emotes: readonly EmotePosition[];
}

/**
 * Whether `user` may say `text` in the room now, in the order a user would want to hear the reasons: banned or timed
 * out, the room's modes, blocked terms, then the rate limits (counted across pods, last, so a refused message does
 * not use up the user's turn). Throws a ChatError saying why not and, for limits, when to try again.
 */
export async function admitMessage(
  deps: SendCheckDeps,
  room: Room,
  user: AuthUser,
  text: string,
): Promise<AdmittedMessage> {
  const length = [...text].length;
  if (text.trim() === '') throw new ChatError('EMPTY_MESSAGE', 'the message is empty');
  if (length > MAX_MESSAGE_CHARS) {
    throw new ChatError('MESSAGE_TOO_LONG', `a message is at most ${MAX_MESSAGE_CHARS} characters (this is ${length})`);
  }
  const [restriction, profile] = await Promise.all([
    deps.bus.restriction(room.name, user.login),
    deps.profiles.get(room.name, user),
  ]);
  const now = deps.nowMs();
  if (profile.roles.includes('banned') || (restriction && restriction.untilMs === null)) {
    throw new ChatError('BANNED', `you are banned from ${room.name}'s chat`);
  }
  if (restriction?.untilMs != null && restriction.untilMs > now) {
    const wait = restriction.untilMs - now;
    throw new ChatError('TIMED_OUT', `you are timed out in ${room.name}'s chat for ${seconds(wait)}`, wait);
  }
  const settings = room.settings;
  const moderator = isModerator(profile.roles);
  const privileged = isPrivileged(profile.roles);
  const subscriber = profile.roles.includes('subscriber');
  if (settings.followersOnlyMinutes !== null && !privileged) {
    const ageMs = await deps.profiles.followAgeMs(room.name, user.id);
    const neededMs = settings.followersOnlyMinutes * 60_000;
    if (ageMs === null) throw new ChatError('FOLLOWERS_ONLY', `only followers of ${room.name} may chat now`);
    if (ageMs < neededMs) {
      throw new ChatError(
        'FOLLOWERS_ONLY',
        `only users following ${room.name} for ${settings.followersOnlyMinutes} minutes may chat now`,
        neededMs - ageMs,
      );
    }
  }
  if (settings.subscribersOnly && !privileged && !subscriber) {
    throw new ChatError('SUBSCRIBERS_ONLY', `only subscribers of ${room.name} may chat now`);
  }
  // Subscriber-only emotes are the channel's subscribers' (and its moderators'); for others they stay text.
  const emotes = markEmotes(text, await deps.emotes.get(room.name), subscriber || moderator);
  if (settings.emoteOnly && !moderator && !isOnlyEmotes(text, emotes)) {
    throw new ChatError('EMOTE_ONLY', 'the room is in emote-only mode: send emotes only');
  }
  if (!moderator && settings.blockedTerms.length > 0) {
    const lower = text.toLowerCase();
    if (settings.blockedTerms.some((term) => lower.includes(term.toLowerCase()))) {
      throw new ChatError('BLOCKED_TERM', 'the message holds a term this channel does not allow');
    }
  }
  if (!moderator) await checkRates(deps, room, user, subscriber, privileged);
  return { profile, emotes };
}

async function checkRates(
  deps: SendCheckDeps,
  room: Room,
  user: AuthUser,
  subscriber: boolean,
  privileged: boolean,
): Promise<void> {
  const perSecond = subscriber ? deps.limits.subscriberMessagesPerSecond : deps.limits.messagesPerSecond;
  const rateWait = await deps.bus.hit(`rate:${room.name}:${user.id}`, perSecond, 1000);
  if (rateWait > 0) {
    throw new ChatError('RATE_LIMITED', `you are sending too fast: wait ${seconds(rateWait)}`, rateWait);
  }
  const slowSeconds = room.settings.slowSeconds;
  if (slowSeconds > 0 && !privileged) {
    const slowWait = await deps.bus.hit(`slow:${room.name}:${user.id}`, 1, slowSeconds * 1000);
    if (slowWait > 0) {
      throw new ChatError(
        'SLOW_MODE',
        `slow mode: one message every ${slowSeconds} s; wait ${seconds(slowWait)}`,
        slowWait,
      );
    }
  }
}
