// node:http adapter, published as `@qsp/dqsn/node` so the root entry stays
// free of Node built-ins (fetch runtimes, edge workers).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAggregator } from './aggregator.js';
import { answerBody, type HandlerOptions, type HttpAnswer, refusal } from './http-answer.js';
import { REASON_CODES } from './reason-codes.js';

export type { HandlerOptions } from './http-answer.js';

function send(res: ServerResponse, a: HttpAnswer, close = false): void {
  if (res.headersSent) return;
  // setHeader, not writeHead's object form, so that surrounding middleware
  // (logging, metrics) can read x-dqsn-decision with getHeader afterwards.
  for (const [name, value] of Object.entries(a.headers)) res.setHeader(name, value);
  if (close) res.setHeader('connection', 'close');
  res.statusCode = a.status;
  res.end(a.body);
}

/**
 * A `(req, res)` listener for `http.createServer`. A body declared longer
 * than the byte limit is answered 413 without reading it; an undeclared
 * (chunked) body is counted as it arrives and answered 413 the moment it
 * passes the limit, never buffered beyond it, and the connection is closed.
 * Throws `DqsnError('CONFIG_INVALID')` at creation for bad limits.
 */
export function createNodeHandler(
  options: HandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const aggregator = createAggregator(options);
  const max = aggregator.config.maxBytes;

  const refuseAndClose = (req: IncomingMessage, res: ServerResponse, a: HttpAnswer) => {
    req.pause();
    res.once('finish', () => req.socket.destroySoon());
    send(res, a, true);
  };

  return (req, res) => {
    if (req.method !== 'POST') {
      refuseAndClose(req, res, refusal(aggregator, REASON_CODES.INVALID_REQUEST, 405, { allow: 'POST' }));
      return;
    }
    // A body parser mounted before this handler has already drained the
    // stream; waiting for 'end' would hang, and a re-serialised body is not
    // the bytes the client sent. Fail closed and say why in the status.
    if (req.readableEnded) {
      send(res, refusal(aggregator, REASON_CODES.INTERNAL, 500));
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      refuseAndClose(req, res, refusal(aggregator, REASON_CODES.PAYLOAD_TOO_LARGE, 413));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > max) {
        done = true;
        chunks.length = 0;
        req.off('data', onData);
        refuseAndClose(req, res, refusal(aggregator, REASON_CODES.PAYLOAD_TOO_LARGE, 413));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', () => {
      done = true;
      req.destroy();
    });
    req.once('end', () => {
      if (done) return;
      done = true;
      const body = Buffer.concat(chunks, total);
      answerBody(aggregator, body, options).then(
        (a) => send(res, a),
        () => res.destroy(),
      );
    });
  };
}
