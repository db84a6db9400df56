/**
 * One WebRTC player: a WHEP session into the <video>, saying when it is connected and when it is lost or refused
 * (the caller retries), and offering the SFU's layers as its quality control once the server has answered.
 */
import type { QualityControl } from '../../../hls/quality-control.ts';
import { SignalingError, type WebrtcSession, whepPlay } from '../../../webrtc/index.ts';
import { whepLayersUrl, whepQualityControl } from '../../../webrtc/whep-quality-control.ts';

export interface LiveWhepHandlers {
  onConnected(): void;
  /** The session failed, closed or was refused; `status` says it for the viewer. */
  onTrouble(status: string): void;
  /** The first track is in the video: play it. */
  onTrack(): void;
}

/** A WHEP attempt (what window.glintPlayer.whep shows): the connection from the start, the session once answered. */
export class LiveWhep {
  pc: RTCPeerConnection | null = null;
  session: WebrtcSession | null = null;
  #stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly whepUrl: string,
    private readonly handlers: LiveWhepHandlers,
  ) {}

  /**
   * Negotiates; resolves with the layers control once the server has answered (null when it sent no session URL,
   * the attempt was stopped meanwhile, or it was refused: then `onTrouble` was called).
   */
  async start(): Promise<QualityControl | null> {
    const stream = new MediaStream();
    try {
      this.session = await whepPlay(this.whepUrl, {
        beforeOffer: (pc) => {
          this.pc = pc;
          pc.addEventListener('connectionstatechange', () => {
            if (this.#stopped) return;
            if (pc.connectionState === 'connected') this.handlers.onConnected();
            if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
              this.handlers.onTrouble('disconnected — retrying');
            }
          });
        },
        onTrack: (event) => {
          if (this.#stopped) return;
          stream.addTrack(event.track);
          this.video.srcObject = stream;
          this.handlers.onTrack();
        },
      });
    } catch (error) {
      if (this.#stopped) return null;
      const status = error instanceof SignalingError ? error.status : null;
      if (!(error instanceof SignalingError)) console.error(error);
      this.handlers.onTrouble(
        status === 404 ? 'offline — waiting for the stream' : `WebRTC unavailable (${status ?? 'network'}) — retrying`,
      );
      return null;
    }
    if (this.#stopped) {
      void this.session.stop();
      return null;
    }
    const sessionUrl = this.session.resourceUrl;
    if (!sessionUrl) return null;
    const layersUrl = whepLayersUrl(this.whepUrl, location.href);
    return whepQualityControl({ pc: this.session.pc, sessionUrl, layersUrl });
  }

  /** Closes the connection and DELETEs the session (keepalive: it goes out even as the page unloads). */
  stop(): void {
    this.#stopped = true;
    this.pc?.close();
    void this.session?.stop();
  }
}
