import { createAggregator } from './aggregator.js';
import { answerBody, type HandlerOptions, type HttpAnswer, refusal } from './http-answer.js';
import { REASON_CODES } from './reason-codes.js';

function toResponse(a: HttpAnswer): Response {
  return new Response(a.body, { status: a.status, headers: a.headers });
}

/** Reads at most `max` bytes of the body; undefined when it is longer. */
async function readLimited(request: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) return undefined;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: BlobPart[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  // A Blob joins a list of any length; spreading a trickled body's chunks into one call hits the argument limit.
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * A Web-standard handler (`Request` -> `Response`) for any runtime or framework
 * that speaks fetch. POST a v3 request; the answer is the canonical JSON
 * response: 200 for an aggregate, 400 for an invalid request, 413 past the
 * byte limit, 405 for other methods, 502 when the forward hook fails.
 * Throws `DqsnError('CONFIG_INVALID')` at creation for bad limits.
 */
export function createFetchHandler(options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const aggregator = createAggregator(options);
  return async (request) => {
    if (request.method !== 'POST') {
      return toResponse(refusal(aggregator, REASON_CODES.INVALID_REQUEST, 405, { allow: 'POST' }));
    }
    let body: Uint8Array | undefined;
    try {
      body = await readLimited(request, aggregator.config.maxBytes);
    } catch {
      return toResponse(refusal(aggregator, REASON_CODES.INVALID_REQUEST, 400));
    }
    if (body === undefined) return toResponse(refusal(aggregator, REASON_CODES.PAYLOAD_TOO_LARGE, 413));
    return toResponse(await answerBody(aggregator, body, options));
  };
}
