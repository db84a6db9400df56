/** What a page shows when the API cannot be reached: the reason and a retry, never a blank page. */
export function RetryState({ message, onRetry }: { readonly message: string; readonly onRetry: () => void }) {
  return (
    <div className="retry-state" role="alert">
      <p>Glint cannot be reached right now: {message}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
