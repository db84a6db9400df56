/** Helpers for tests and benchmarks that drive the SFU with werift clients on loopback. */
export { type StunResponder, startStunResponder } from './stun-responder.ts';
export { udpSocketCount, udpSockets, until } from './until.ts';
export { type ClientPeerOptions, clientPeer, completeOffer, fakeH264Packet } from './werift-peer.ts';
