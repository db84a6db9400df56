import { useEffect } from 'react';
import { Link } from 'wouter';

const TEXT = {
  vod: { heading: 'Past broadcast not found', what: 'This past broadcast' },
  clip: { heading: 'Clip not found', what: 'This clip' },
} as const;

/** A VOD or clip page whose id is malformed, unknown or deleted: says so, and where to go instead. */
export function MediaNotFound({ kind }: { readonly kind: keyof typeof TEXT }) {
  const text = TEXT[kind];
  useEffect(() => {
    document.title = `${text.heading} · Glint`;
  }, [text]);
  return (
    <section className="narrow media-missing" data-testid="media-not-found">
      <h1>{text.heading}</h1>
      <p>{text.what} does not exist or was deleted: check the link.</p>
      <p>
        <Link href="/">Browse live channels</Link>
      </p>
    </section>
  );
}
