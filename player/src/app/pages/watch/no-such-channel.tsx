import { Link } from 'wouter';

/** /watch/<name> for a channel that does not exist: says so, with the way back. */
export function NoSuchChannel({ name }: { readonly name: string }) {
  return (
    <section className="narrow" id="no-such-channel">
      <title>No such channel · Glint</title>
      <h1>No such channel</h1>
      <p>
        There is no channel called “{name}”. Check the address, or <Link href="/">browse the live channels</Link>.
      </p>
    </section>
  );
}
