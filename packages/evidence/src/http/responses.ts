/** JSON responses with the headers every answer of this API carries. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function problem(
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(status, { error, message }, headers);
}

/** Reads a JSON request body of at most `limit` bytes, or returns the error response to send. */
export async function readJsonBody(
  request: Request,
  limit: number,
): Promise<{ value: unknown } | { response: Response }> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return { response: problem(415, 'unsupported_media_type', 'send application/json') };
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return { response: problem(413, 'payload_too_large', `body above ${limit} bytes`) };
  const reader = request.body?.getReader();
  // Decoded as it arrives: nothing to join, however many chunks a client trickles the body in.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text = '';
  let size = 0;
  try {
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > limit) {
          await reader.cancel();
          return { response: problem(413, 'payload_too_large', `body above ${limit} bytes`) };
        }
        text += decoder.decode(value, { stream: true });
      }
    }
    text += decoder.decode();
    return { value: JSON.parse(text) };
  } catch {
    return { response: problem(400, 'malformed_json', 'the body is not valid UTF-8 JSON') };
  }
}
