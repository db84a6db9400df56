/**
 * One DTLS certificate for every peer connection of the process, with its fingerprint computed once. werift shares
 * its certificate too, but re-parses the PEM for the fingerprint each time an SDP is written: a third of the CPU
 * an answer costs. Sharing one certificate is what SFUs do (mediasoup: one per worker); each session still gets its
 * own DTLS keys from the handshake.
 */
import { RTCCertificate, type RTCDtlsFingerprint, RTCDtlsTransport } from 'werift';

class FingerprintOnce extends RTCCertificate {
  #fingerprints: RTCDtlsFingerprint[] | undefined;

  override getFingerprints(): RTCDtlsFingerprint[] {
    this.#fingerprints ??= super.getFingerprints();
    return this.#fingerprints;
  }
}

let shared: Promise<RTCCertificate> | undefined;

/** The process's certificate (an ECDSA P-256 key, generated on first use). */
export function serverCertificate(): Promise<RTCCertificate> {
  shared ??= RTCDtlsTransport.SetupCertificate().then(
    (c) => new FingerprintOnce(c.privateKey, c.certPem, c.signatureHash),
  );
  return shared;
}
