import type { RoomSettings } from './chat-protocol.ts';

/** The room's modes as short labels, for the chips above the messages ("Slow mode: 30 s", "Subscribers only"). */
export function modeLabels(settings: RoomSettings): string[] {
  const labels: string[] = [];
  if (settings.slowSeconds > 0) labels.push(`Slow mode: ${settings.slowSeconds} s`);
  if (settings.subscribersOnly) labels.push('Subscribers only');
  if (settings.followersOnlyMinutes !== null) {
    labels.push(
      settings.followersOnlyMinutes === 0 ? 'Followers only' : `Followers only (${settings.followersOnlyMinutes} min)`,
    );
  }
  if (settings.emoteOnly) labels.push('Emote only');
  return labels;
}

/** What changed between two settings, as lines for the chat ("Slow mode is on: one message every 30 s."). */
export function settingsChanges(before: RoomSettings, after: RoomSettings): string[] {
  const lines: string[] = [];
  if (before.slowSeconds !== after.slowSeconds) {
    lines.push(
      after.slowSeconds > 0 ? `Slow mode is on: one message every ${after.slowSeconds} s.` : 'Slow mode is off.',
    );
  }
  if (before.subscribersOnly !== after.subscribersOnly) {
    lines.push(after.subscribersOnly ? 'Subscribers-only mode is on.' : 'Subscribers-only mode is off.');
  }
  if (before.followersOnlyMinutes !== after.followersOnlyMinutes) {
    lines.push(
      after.followersOnlyMinutes === null
        ? 'Followers-only mode is off.'
        : `Followers-only mode is on${after.followersOnlyMinutes > 0 ? ` (following for ${after.followersOnlyMinutes} min)` : ''}.`,
    );
  }
  if (before.emoteOnly !== after.emoteOnly) {
    lines.push(after.emoteOnly ? 'Emote-only mode is on.' : 'Emote-only mode is off.');
  }
  return lines;
}

/** A user's roles in the channel, as GET /api/channels/<name>/roles/<login> gives them (highest first). */
export type ChannelRoles = readonly string[];

export function canModerate(roles: ChannelRoles): boolean {
  return roles.includes('broadcaster') || roles.includes('moderator');
}

/**
 * A line under the input when the room's modes will likely refuse this user (from their roles as last read; the
 * server decides, and a follow or subscription made since counts there at once), or null.
 */
export function modeHint(settings: RoomSettings | null, roles: ChannelRoles): string | null {
  if (!settings || canModerate(roles) || roles.includes('vip')) return null;
  if (settings.subscribersOnly && !roles.includes('subscriber'))
    return 'Subscribers-only mode: only subscribers can chat.';
  if (settings.followersOnlyMinutes !== null && !roles.includes('follower')) {
    return 'Followers-only mode: follow the channel to chat.';
  }
  if (settings.emoteOnly) return 'Emote-only mode: send emotes only.';
  return null;
}

/** How long the user must wait after sending in slow mode (moderators and VIPs are exempt), in ms. */
export function slowModeWaitMs(settings: RoomSettings | null, roles: ChannelRoles): number {
  if (!settings || settings.slowSeconds === 0) return 0;
  if (canModerate(roles) || roles.includes('vip')) return 0;
  return settings.slowSeconds * 1000;
}
