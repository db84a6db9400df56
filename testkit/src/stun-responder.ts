/**
 * A minimal STUN binding responder on 127.0.0.1 for werift used as a *client* in tests: werift looks up a public
 * STUN server unless given one, and that lookup stalls here. Answers each Binding request (RFC 8489 §6.3) with an
 * XOR-MAPPED-ADDRESS of the sender.
 */
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

export function bindingResponse(request: Buffer, address: string, port: number): Buffer | undefined {
  if (request.length < 20 || request.readUInt16BE(0) !== BINDING_REQUEST) return undefined;
  if (request.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const out = Buffer.alloc(20 + 12);
  out.writeUInt16BE(BINDING_SUCCESS, 0);
  out.writeUInt16BE(12, 2);
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  request.copy(out, 8, 8, 20);
  out.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  out.writeUInt16BE(8, 22);
  out.writeUInt8(0, 24);
  out.writeUInt8(0x01, 25); // IPv4
  out.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  const ip = address.split('.').reduce((acc, octet) => (acc << 8) | Number(octet), 0) >>> 0;
  out.writeUInt32BE((ip ^ MAGIC_COOKIE) >>> 0, 28);
  return out;
}

export interface StunResponder {
  readonly url: string;
  close(): Promise<void>;
}

export async function startStunResponder(): Promise<StunResponder> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const response = bindingResponse(msg, rinfo.address, rinfo.port);
    if (response) socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    url: `stun:127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
