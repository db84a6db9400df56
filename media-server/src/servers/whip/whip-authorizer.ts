import type { PublishAdmission } from '../../admission/publish-admission.ts';
import type { PublishAuthorization } from './webrtc-routes.ts';

/** The WHIP routes' `authorize`, answered by the one publish admission every ingest uses. */
export function whipAuthorizer(
  admission: PublishAdmission,
): (channelParam: string, streamKey: string, remoteAddress: string) => Promise<PublishAuthorization> {
  return async (channelParam, streamKey, remoteAddress) => {
    const decision = await admission.admit({ streamKey, remoteAddress, channelParam });
    if (!decision.ok) {
      const { status, code, message, retryAfterSec } = decision;
      return { ok: false, status, code, message, ...(retryAfterSec === undefined ? {} : { retryAfterSec }) };
    }
    return { ok: true, channelId: decision.channel.id, release: decision.release };
  };
}
