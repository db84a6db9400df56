import { ChatProtocolError, codePointLength, MAX_MESSAGE_CHARS, parseClientFrame } from '@glint/chat';
import { generateChatFrame } from '../generators/chat.ts';
import { type FuzzTarget, invariant } from './target.ts';

/**
 * A chat client frame (the text of one WebSocket message) through the codec: it must answer every input with a
 * frame or a ChatProtocolError (never throw), keep what it accepts within the protocol's bounds, and accept again
 * exactly what it accepted once (parse ∘ serialize is the identity on accepted frames).
 */
export const chatFrame: FuzzTarget = {
  name: 'chat-frame',
  description: 'parseClientFrame (every client frame of chat protocol v1) with a round trip of what it accepts',
  sources: ['chat/src/protocol/codec.ts', 'chat/src/protocol/mod-action-codec.ts', 'chat/src/protocol/text-rules.ts'],
  typedErrors: [],
  generate: generateChatFrame,
  run(input) {
    const text = new TextDecoder().decode(input);
    const parsed = parseClientFrame(text);
    if (parsed instanceof ChatProtocolError) return `refused ${parsed.code}`;
    if (parsed.type === 'send') {
      invariant(codePointLength(parsed.text) <= MAX_MESSAGE_CHARS, 'an accepted message over the length limit');
      invariant(!hasControlCharacter(parsed.text), 'an accepted message with a control character');
    }
    const again = parseClientFrame(JSON.stringify(parsed));
    invariant(
      !(again instanceof ChatProtocolError) && JSON.stringify(again) === JSON.stringify(parsed),
      `an accepted ${parsed.type} frame is refused or changed when sent again`,
    );
    return `accepted ${parsed.type}${parsed.type === 'mod' ? ` ${parsed.action.kind}` : ''}`;
  },
};

/** C0 (but tab and line feed) and C1 control characters, by code unit. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
