/**
 * The share box of the VOD and clip pages (#share, #copy, #copy-note): the page's address in a read-only field and
 * a Copy button that says when it copied.
 */
import { element } from './dom.ts';

export function wireShareLink(url: string): void {
  const input = element<HTMLInputElement>('share');
  const note = element('copy-note');
  input.value = url;
  input.addEventListener('focus', () => input.select());
  element<HTMLButtonElement>('copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url);
      note.textContent = 'Link copied';
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): leave the link selected to copy by hand.
      input.focus();
      input.select();
      note.textContent = 'Press Ctrl+C to copy the selected link';
    }
  });
}
