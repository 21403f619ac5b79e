interface NodeBufferConstructor {
  allocUnsafeSlow(size: number): Uint8Array;
}

const nodeBuffer = (globalThis as { Buffer?: NodeBufferConstructor }).Buffer;

/** Below this the zero fill costs less than making a Buffer object. */
const UNZEROED_MIN = 4096;

/**
 * A buffer of `length` bytes for a caller that overwrites every byte before
 * anything reads it (a frame being assembled or sealed). Where Node's
 * `Buffer` exists its memory is not zero-filled: the fill is a memset as
 * large as the frame, about 5 % of each side's CPU in a bulk transfer. It
 * may hold stale heap bytes until written, so never expose a byte of it that
 * was not written; elsewhere it is an ordinary zeroed Uint8Array. Always a
 * plain Uint8Array over its own ArrayBuffer (never Node's shared pool).
 */
export function unzeroedBytes(length: number): Uint8Array {
  if (nodeBuffer === undefined || length < UNZEROED_MIN) return new Uint8Array(length);
  // Its own ArrayBuffer of exactly `length` bytes (`.buffer` reaches nothing unwritten once it is filled),
  // handed over as the same object with Uint8Array's prototype: a Buffer adds no state, and a second view
  // on its memory would cost an object per frame.
  return Object.setPrototypeOf(nodeBuffer.allocUnsafeSlow(length), Uint8Array.prototype) as Uint8Array;
}
