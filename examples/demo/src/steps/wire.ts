import {
  CloseReason,
  closeReasonName,
  decodeClose,
  encodeClose,
  encodeFrame,
  FrameDecoder,
  FrameType,
  HEADER_LENGTH,
  WireError,
} from '@qsp/wire';

/** Encodes frames, streams them through the decoder in awkward chunks, and shows a malformed frame refused. */
export async function run(log: (line: string) => void): Promise<void> {
  const sessionId = 0x5153_5031n;
  const messages = ['quantum-safe', 'frames', 'in any chunking'];
  const frames = messages.map((text, i) =>
    encodeFrame({
      type: FrameType.APP_DATA,
      sessionId,
      epoch: 1,
      seq: i + 1,
      payload: new TextEncoder().encode(text),
    }),
  );
  frames.push(
    encodeFrame({
      type: FrameType.CLOSE,
      sessionId,
      epoch: 1,
      seq: messages.length + 1,
      payload: encodeClose({ reason: CloseReason.NORMAL, message: 'bye' }),
    }),
  );
  const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const f of frames) {
    stream.set(f, offset);
    offset += f.length;
  }
  log(`encoded ${frames.length} frames (${stream.length} bytes, ${HEADER_LENGTH}-byte headers)`);

  const decoder = new FrameDecoder();
  const chunkSizes = [5, 17, 1, 30, 64, 1000];
  const decoded = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    decoded.push(...decoder.push(stream.subarray(at, at + size)));
    at += size;
  }
  decoder.end();
  log(`streamed in chunks of ${chunkSizes.join(', ')}... bytes -> ${decoded.length} frames`);
  for (const f of decoded) {
    const body =
      f.type === FrameType.CLOSE
        ? `CLOSE ${closeReasonName(decodeClose(f.payload).reason)}`
        : `APP_DATA "${new TextDecoder().decode(f.payload)}"`;
    log(`  epoch ${f.epoch} seq ${f.seq}: ${body}`);
  }
  if (decoded.length !== frames.length) throw new Error('frame count mismatch');

  const forged = stream.slice(0, HEADER_LENGTH);
  forged[18] = 0x7f; // declares a ~2 GiB payload
  try {
    new FrameDecoder().push(forged);
    throw new Error('an oversized frame was accepted');
  } catch (error) {
    if (!(error instanceof WireError) || error.code !== 'PAYLOAD_TOO_LARGE') throw error;
    log(
      `a header declaring ${new DataView(forged.buffer).getUint32(18)} bytes is refused at once: ${error.code}`,
    );
  }
}
