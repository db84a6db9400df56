import { Link } from 'wouter';

export function NotFoundPage() {
  return (
    <section className="narrow">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <Link href="/">Browse live channels</Link>.
      </p>
    </section>
  );
}
