import type { Logger } from '@glint/media-core';
import { type AuthUser, type Platform, PlatformError } from '@glint/platform';
import type { ChatBus, StoredRoomSettings } from '../hub/chat-bus.ts';
import { MOD_LIMITS } from '../protocol/mod-action-codec.ts';
import type { ModAction, RoomEvent } from '../protocol/types.ts';
import { ChatError } from './chat-error.ts';
import { type ChatterProfiles, isModerator } from './chatter-profiles.ts';
import type { PlatformBans } from './platform-bans.ts';
import type { Room } from './room.ts';

export interface ModerationDeps {
  readonly bus: ChatBus;
  readonly platform: Platform;
  readonly profiles: ChatterProfiles;
  readonly bans: PlatformBans;
  readonly nowMs: () => number;
  readonly logger: Logger;
}

/** The codec's bounds, checked again here for actions that do not come through the codec. */
const { maxTimeoutSeconds: MAX_TIMEOUT_SECONDS, maxBlockedTerms: MAX_BLOCKED_TERMS } = MOD_LIMITS;
const { maxBlockedTermChars: MAX_BLOCKED_TERM_CHARS, maxFollowMinutes: MAX_FOLLOW_MINUTES } = MOD_LIMITS;
/** How far back a deleted message is looked for: older ones have scrolled out of every client. */
const DELETE_LOOKBACK = 500;

/**
 * One moderator action in a room, checked on the server against the actor's roles now (not a cached copy), applied
 * where every pod sees it (the bus; bans also on the platform, so they outlast the chat) and published as a room event
 * that every pod delivers. Throws a ChatError the actor is told.
 */
export async function moderate(deps: ModerationDeps, room: Room, actor: AuthUser, action: ModAction): Promise<void> {
  const roles = await deps.profiles.freshRoles(room.name, actor.id);
  if (!isModerator(roles)) {
    throw new ChatError('FORBIDDEN', `only the broadcaster and moderators of ${room.name} may moderate its chat`);
  }
  const by = actor.login;
  const publish = (event: RoomEvent) => deps.bus.publish(room.name, event);
  switch (action.kind) {
    case 'delete': {
      const page = await deps.bus.history(room.name, { limit: DELETE_LOOKBACK });
      if (!page.events.some((e) => e.kind === 'message' && e.id === action.messageId)) {
        throw new ChatError('NO_SUCH_MESSAGE', 'that message is not in the room (it may be too old)');
      }
      await publish({ kind: 'deleted', messageId: action.messageId, by });
      return;
    }
    case 'timeout': {
      if (!Number.isInteger(action.seconds) || action.seconds < 1 || action.seconds > MAX_TIMEOUT_SECONDS) {
        throw new ChatError('BAD_FRAME', `a timeout is 1 to ${MAX_TIMEOUT_SECONDS} seconds`);
      }
      await checkTarget(deps, room.name, roles.includes('broadcaster'), action.login);
      const untilMs = deps.nowMs() + action.seconds * 1000;
      await deps.bus.restrict(room.name, action.login, untilMs);
      await publish({ kind: 'timed-out', login: action.login, untilMs, by });
      return;
    }
    case 'ban':
      await deps.bans.own(room.name, action.login, () =>
        platformCall(() => deps.platform.roles.grant(room.name, actor, 'banned', action.login)),
      );
      await deps.bus.restrict(room.name, action.login, null);
      await publish({ kind: 'banned', login: action.login, by });
      return;
    case 'unban':
      await deps.bans.own(room.name, action.login, () =>
        platformCall(() => deps.platform.roles.revoke(room.name, actor, 'banned', action.login)),
      );
      await deps.bus.lift(room.name, action.login);
      await publish({ kind: 'unbanned', login: action.login, by });
      return;
    case 'clear':
      await publish({ kind: 'cleared', by });
      return;
    default:
      await changeSettings(deps, room, by, settingsChange(action));
  }
}

/** The settings a mode action changes, validated. */
function settingsChange(action: ModAction): Partial<StoredRoomSettings> {
  switch (action.kind) {
    case 'slow':
      if (
        !(
          action.seconds === 0 ||
          (Number.isInteger(action.seconds) &&
            action.seconds >= MOD_LIMITS.minSlowSeconds &&
            action.seconds <= MOD_LIMITS.maxSlowSeconds)
        )
      ) {
        throw new ChatError(
          'BAD_FRAME',
          `slow mode is 0 (off) or ${MOD_LIMITS.minSlowSeconds} to ${MOD_LIMITS.maxSlowSeconds} seconds`,
        );
      }
      return { slowSeconds: action.seconds };
    case 'followers-only': {
      const minutes = action.minFollowMinutes;
      if (minutes !== null && !(Number.isInteger(minutes) && minutes >= 0 && minutes <= MAX_FOLLOW_MINUTES)) {
        throw new ChatError('BAD_FRAME', 'followers-only takes null (off) or 0 to 129600 minutes (90 days)');
      }
      return { followersOnlyMinutes: minutes };
    }
    case 'subscribers-only':
      return { subscribersOnly: action.on === true };
    case 'emote-only':
      return { emoteOnly: action.on === true };
    case 'blocked-terms': {
      const terms = action.terms;
      const valid =
        Array.isArray(terms) &&
        terms.length <= MAX_BLOCKED_TERMS &&
        terms.every((t) => typeof t === 'string' && t.trim() !== '' && [...t].length <= MAX_BLOCKED_TERM_CHARS);
      if (!valid) {
        throw new ChatError(
          'BAD_FRAME',
          `blocked terms are up to ${MAX_BLOCKED_TERMS} strings of 1 to ${MAX_BLOCKED_TERM_CHARS} characters`,
        );
      }
      return { blockedTerms: [...new Set(terms.map((t) => t.trim()))] };
    }
    default:
      throw new ChatError('BAD_FRAME', 'unknown moderation action');
  }
}

async function changeSettings(
  deps: ModerationDeps,
  room: Room,
  by: string,
  change: Partial<StoredRoomSettings>,
): Promise<void> {
  const settings = { ...(await deps.bus.settings(room.name)), ...change };
  await deps.bus.saveSettings(room.name, settings);
  // This pod applies it at once; the others (and this one again) on the settings event.
  room.settings = settings;
  await deps.bus.publish(room.name, { kind: 'settings', settings: room.publicSettings, by });
}

/** A timeout's target exists and is not the broadcaster, nor a moderator unless the broadcaster acts. */
async function checkTarget(deps: ModerationDeps, room: string, actorIsBroadcaster: boolean, login: string) {
  const target = await deps.platform.accounts.userByLogin(login);
  if (!target) throw new ChatError('NO_SUCH_USER', `there is no user ${login}`);
  const roles = await deps.profiles.freshRoles(room, target.id);
  if (roles.includes('broadcaster') || (roles.includes('moderator') && !actorIsBroadcaster)) {
    throw new ChatError('FORBIDDEN', `${login} cannot be timed out by you (the broadcaster, or a fellow moderator)`);
  }
}

/** The platform's refusals as chat errors: it checks who may ban whom. */
async function platformCall(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    if (error.status === 404) throw new ChatError('NO_SUCH_USER', error.message);
    if (error.status === 403 || error.status === 400) throw new ChatError('FORBIDDEN', error.message);
    throw error;
  }
}
