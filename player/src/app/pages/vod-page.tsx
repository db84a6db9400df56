/** /vod/<broadcastId>: a past broadcast. */
export function VodPage({ params }: { readonly params: { readonly id: string } }) {
  return <h1>Past broadcast {params.id}</h1>;
}
