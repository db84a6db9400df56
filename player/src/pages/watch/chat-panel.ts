/**
 * The watch page's chat: the channel's room over /chat (protocol v1, chat/PROTOCOL.md). Anyone reads; a signed-in
 * viewer (the session cookie) writes. Messages are inserted as text nodes only, never as HTML; emotes become images
 * from the platform's emote lists. Reconnects resume from the last seq seen.
 */
interface Emote {
  readonly id: string;
  readonly url: string;
}
interface ChatEvent {
  readonly seq: number;
  readonly kind: string;
  readonly id?: string;
  readonly messageId?: string;
  readonly text?: string;
  readonly login?: string;
  readonly user?: {
    readonly login: string;
    readonly displayName: string;
    readonly badges: readonly { kind: string }[];
  };
  readonly emotes?: readonly { readonly id: string; readonly start: number; readonly end: number }[];
}

const MAX_SHOWN = 150;

export function startChat(room: string, panel: HTMLElement): void {
  const list = panel.querySelector('ol') as HTMLOListElement;
  const form = panel.querySelector('form') as HTMLFormElement;
  const input = form.querySelector('input') as HTMLInputElement;
  const status = panel.querySelector('.chat-status') as HTMLElement;
  const counts = panel.querySelector('.chat-counts') as HTMLElement;
  const emotes = new Map<string, Emote>();
  let lastSeq: number | undefined;
  let socket: WebSocket | null = null;
  let retryMs = 1000;

  void loadEmotes(room, emotes);

  const show = (event: ChatEvent) => {
    if (lastSeq !== undefined && event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (event.kind === 'message' && event.user) list.append(messageItem(event, emotes));
    else if (event.kind === 'deleted') list.querySelector(`[data-id="${CSS.escape(event.messageId ?? '')}"]`)?.remove();
    else if (event.kind === 'cleared') list.replaceChildren(notice('chat was cleared by a moderator'));
    else if (event.kind === 'banned' || event.kind === 'timed-out') {
      for (const item of list.querySelectorAll(`[data-login="${CSS.escape(event.login ?? '')}"]`)) item.remove();
    }
    while (list.childElementCount > MAX_SHOWN) list.firstElementChild?.remove();
    list.scrollTop = list.scrollHeight;
  };

  const connect = () => {
    const url = new URL('/chat', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 1000;
      ws.send(JSON.stringify(lastSeq === undefined ? { type: 'join', room } : { type: 'join', room, since: lastSeq }));
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as Record<string, unknown>;
      if (frame.type === 'hello') {
        const user = frame.user as { displayName: string } | null;
        form.hidden = user === null;
        status.textContent = user ? `chatting as ${user.displayName}` : 'log in to chat';
      } else if (frame.type === 'joined') {
        if (frame.gap) list.append(notice('some messages were missed while reconnecting'));
        for (const event of frame.history as ChatEvent[]) show(event);
      } else if (frame.type === 'events') {
        for (const event of frame.events as ChatEvent[]) show(event);
      } else if (frame.type === 'counts') {
        counts.textContent = `${frame.chatters} in chat · ${frame.viewers} watching`;
      } else if (frame.type === 'error') {
        status.textContent = String(frame.message);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      status.textContent = 'reconnecting…';
      setTimeout(connect, retryMs);
      retryMs = Math.min(30_000, retryMs * 2);
    };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || socket?.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'send', room, text }));
    input.value = '';
  });
  connect();
}

function notice(text: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'notice';
  item.textContent = text;
  return item;
}

/** A message as DOM nodes: the name, then text and emote images by code-point position. */
function messageItem(event: ChatEvent, emotes: ReadonlyMap<string, Emote>): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.id = event.id ?? '';
  item.dataset.login = event.user?.login ?? '';
  for (const badge of event.user?.badges ?? []) {
    const mark = document.createElement('span');
    mark.className = `badge badge-${badge.kind}`;
    mark.title = badge.kind;
    mark.textContent = badge.kind === 'broadcaster' ? '◆' : badge.kind === 'moderator' ? '⚔' : '★';
    item.append(mark);
  }
  const name = document.createElement('strong');
  name.textContent = `${event.user?.displayName ?? '?'}: `;
  item.append(name);
  const points = Array.from(event.text ?? '');
  let at = 0;
  for (const emote of event.emotes ?? []) {
    item.append(points.slice(at, emote.start).join(''));
    const known = emotes.get(emote.id);
    const code = points.slice(emote.start, emote.end).join('');
    if (known) {
      const image = document.createElement('img');
      image.src = known.url;
      image.alt = code;
      image.title = code;
      image.className = 'emote';
      item.append(image);
    } else {
      item.append(code);
    }
    at = emote.end;
  }
  item.append(points.slice(at).join(''));
  return item;
}

async function loadEmotes(room: string, into: Map<string, Emote>): Promise<void> {
  for (const path of ['/api/emotes/global', `/api/channels/${encodeURIComponent(room)}/emotes`]) {
    try {
      const response = await fetch(path);
      if (!response.ok) continue;
      const body = (await response.json()) as { items: Emote[] };
      for (const emote of body.items) into.set(emote.id, emote);
    } catch {
      // Without the lists, emotes show as their codes.
    }
  }
}
