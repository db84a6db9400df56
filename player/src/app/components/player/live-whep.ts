/**
 * One WebRTC player: a WHEP session into a <video>, saying when it is connected and when it is lost or refused (the
 * caller retries), and offering the SFU's layers as its quality control once the server has answered. It starts
 * negotiating when made, before it has a video (early-start.ts begins one while the page is still being drawn);
 * `attach` then plays it and reports what already happened.
 */
import type { QualityControl } from '../../../hls/quality-control.ts';
import { SignalingError, type WebrtcSession, whepPlay } from '../../../webrtc/index.ts';
import { whepLayersUrl, whepQualityControl } from '../../../webrtc/whep-quality-control.ts';

export interface LiveWhepHandlers {
  onConnected(): void;
  /** The session failed, closed or was refused; `status` says it for the viewer. Called once at most. */
  onTrouble(status: string): void;
  /** A track is in the video: play it. */
  onTrack(): void;
}

/** A WHEP attempt (what window.glintPlayer.whep shows): the connection from the start, the session once answered. */
export class LiveWhep {
  pc: RTCPeerConnection | null = null;
  session: WebrtcSession | null = null;
  /** The layers control once the server has answered; null when refused, stopped, or given no session URL. */
  readonly ready: Promise<QualityControl | null>;
  readonly #whepUrl: string;
  readonly #stream = new MediaStream();
  #video: HTMLVideoElement | null = null;
  #handlers: LiveWhepHandlers | null = null;
  #connected = false;
  #trouble: string | null = null;
  #quality: QualityControl | null = null;
  #stopped = false;

  constructor(whepUrl: string) {
    this.#whepUrl = whepUrl;
    this.ready = this.#negotiate();
  }

  /** Plays into `video` and reports to `handlers`, starting with what happened before. */
  attach(video: HTMLVideoElement, handlers: LiveWhepHandlers): void {
    this.#video = video;
    this.#handlers = handlers;
    if (this.#stream.getTracks().length > 0) this.#show();
    if (this.#connected) handlers.onConnected();
    if (this.#trouble !== null) handlers.onTrouble(this.#trouble);
  }

  /** Closes the connection and DELETEs the session (keepalive: it goes out even as the page unloads). */
  stop(): void {
    this.#stopped = true;
    this.#quality?.detach();
    this.pc?.close();
    void this.session?.stop();
  }

  #show(): void {
    if (!this.#video || !this.#handlers) return;
    this.#video.srcObject = this.#stream;
    this.#handlers.onTrack();
  }

  #troubled(status: string): void {
    if (this.#stopped || this.#trouble !== null) return;
    this.#trouble = status;
    this.#handlers?.onTrouble(status);
  }

  async #negotiate(): Promise<QualityControl | null> {
    try {
      this.session = await whepPlay(this.#whepUrl, {
        beforeOffer: (pc) => {
          this.pc = pc;
          pc.addEventListener('connectionstatechange', () => {
            if (this.#stopped) return;
            if (pc.connectionState === 'connected') {
              this.#connected = true;
              this.#handlers?.onConnected();
            }
            if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
              this.#troubled('disconnected — retrying');
            }
          });
        },
        onTrack: (event) => {
          if (this.#stopped) return;
          this.#stream.addTrack(event.track);
          this.#show();
        },
      });
    } catch (error) {
      const status = error instanceof SignalingError ? error.status : null;
      if (!(error instanceof SignalingError)) console.error(error);
      this.#troubled(
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
    const layersUrl = whepLayersUrl(this.#whepUrl, location.href);
    this.#quality = whepQualityControl({ pc: this.session.pc, sessionUrl, layersUrl });
    return this.#quality;
  }
}
