/** Helpers that run Glint's media server or werift peers in this process (heavier to load than the kit's index). */
export { type StartGlintOptions, startGlint, type TestGlint } from './start-glint.ts';
export { startWebrtcTestServer, type WebrtcTestServer } from './start-webrtc-test-server.ts';
export { type ClientPeerOptions, clientPeer, completeOffer, fakeH264Packet } from './werift-peer.ts';
