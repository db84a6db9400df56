import { useState } from 'react';
import { errorText } from '../../api.ts';

/**
 * The add form and row actions of a section's list (moderators, webhooks): the form's field error (the browser's
 * check, else the API's refusal) and busy state, and the last row action's refusal.
 */
export function useListEditing() {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [rowError, setRowError] = useState<string | null>(null);

  /** Runs `work` unless `problem` (the field's own check) says why not; a refusal becomes the field's error. */
  async function submit(problem: string | undefined, work: () => Promise<void>, refusal: (e: unknown) => string) {
    if (problem) {
      setError(problem);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(refusal(e));
    } finally {
      setBusy(false);
    }
  }

  async function runRow(work: () => Promise<void>) {
    setRowError(null);
    try {
      await work();
    } catch (e) {
      setRowError(errorText(e));
    }
  }

  return { error, busy, rowError, submit, runRow };
}
