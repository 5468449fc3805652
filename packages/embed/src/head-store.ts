import { KoClassifyError, createClassifierStore, createEncoder, loadHead, ownEncoder, type ClassifierOptions, type ClassifierStore, type HeadJson } from '@ko-classify/core';

/** Where `<ko-classify>` takes its taught head from: the `head` property, `head-name` (IndexedDB) or `head-src` (a URL). */
export type HeadFrom = { head: HeadJson } | { name: string } | { src: string };

async function resolveHead(from: HeadFrom): Promise<HeadJson> {
  if ('head' in from) return from.head;
  if ('name' in from) {
    const head = await loadHead(from.name);
    if (!head) throw new KoClassifyError('INVALID_INPUT', `no head is saved under "${from.name}" on this site: teach one with teach(examples, { name: '${from.name}', save: true })`);
    return head;
  }
  let url: string;
  try {
    url = new URL(from.src, document.baseURI).href;
  } catch {
    throw new KoClassifyError('INVALID_INPUT', `head-src "${from.src}" is not a URL: give the path or URL of a head.json (from teach() or ko-classify teach)`);
  }
  const res = await fetch(url).catch((e: unknown) => {
    throw new KoClassifyError('NETWORK', `head-src ${url}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!res.ok) throw new KoClassifyError('NETWORK', `head-src ${url}: HTTP ${res.status}${res.status === 404 ? ': no file there, check the head-src path' : ''}`);
  const head = (await res.json().catch(() => null)) as HeadJson | null;
  // Checked before any encoder loads (an HTML fallback page is not a head); the encoder's parseHead checks the rest.
  if (head === null || typeof head !== 'object' || head.format !== 'ko-classify-head' || typeof head.encoder?.model !== 'string') {
    throw new KoClassifyError('HEAD_INVALID', `head-src ${url} is not a ko-classify head (JSON with format "ko-classify-head"): point it at a head.json written by teach() or ko-classify teach`);
  }
  return head;
}

/**
 * A ClassifierStore (core's, so the element's live view is unchanged) whose classifier is a taught
 * head over its encoder: the head first, then its encoder (`options.model`, else the head's own
 * `encoder.model`), then `encoder.classifier(head)`, which owns the encoder (disposing it disposes
 * the encoder). The encoder shares the page's worker.
 */
export function headStore(options: ClassifierOptions, from: HeadFrom): ClassifierStore {
  return createClassifierStore(options, async (o, signal) => {
    const head = await resolveHead(from);
    if (signal.aborted) throw new KoClassifyError('DISPOSED', 'the element was removed while its head loaded');
    // The head names its encoder by id, found under models-base; a URL from a fetched file never picks where models come from.
    const named = head?.encoder?.model;
    if (!o.model && (typeof named !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(named))) {
      throw new KoClassifyError('HEAD_INVALID', `the head's encoder.model ${JSON.stringify(named)} is not a model id: set the element's model attribute to the encoder it was taught on`);
    }
    const encoder = await createEncoder({ ...o, model: o.model ?? named });
    return ownEncoder(encoder, () => encoder.classifier(head));
  });
}
