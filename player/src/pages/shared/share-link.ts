/** A share box: the page's address in a read-only field and a Copy button that says when it copied. */

export function wireShareLink(
  input: HTMLInputElement,
  button: HTMLButtonElement,
  note: HTMLElement,
  url: string,
): void {
  input.value = url;
  input.addEventListener('focus', () => input.select());
  button.addEventListener('click', async () => {
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
