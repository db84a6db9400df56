/** /clip/<clipId>: one clip. */
export function ClipPage({ params }: { readonly params: { readonly id: string } }) {
  return <h1>Clip {params.id}</h1>;
}
