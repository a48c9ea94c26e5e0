// The streaming engine shared by stream sealing and opening: cuts input into fixed-size
// segments, runs a few segment operations at once, and emits results in order, so memory
// stays bounded by a handful of segments whatever the stream's length.

import { assertBytes, mustBe } from '../assert.js';
import { DeviceBindingError } from '../errors.js';
import { type ByteQueue, byteQueue } from './byte-queue.js';
import { malformed } from './failure.js';

/** @internal What a codec reports once its header is settled. */
export interface SegmentStart {
  /** Input bytes per segment (every segment but the last is exactly this long). */
  readonly segmentSize: number;
  /** Bytes to emit before the first segment (the header, when sealing). */
  readonly prelude?: Uint8Array;
}

/** @internal One direction of the stream format. */
export interface SegmentCodec {
  /**
   * Called before each read until it returns a {@link SegmentStart}; may take header bytes
   * from `queue`. `ended` is true once the input has ended.
   */
  start(queue: ByteQueue, ended: boolean): Promise<SegmentStart | undefined>;
  /** Seals or opens segment `index`; `last` is true for the final segment only. */
  segment(bytes: Uint8Array, index: number, last: boolean): Promise<Uint8Array>;
  /** The error the output stream reports for `err`, thrown by the input (`fromInput`) or by the codec. */
  failure(err: unknown, fromInput: boolean): unknown;
}

// Segment operations in flight at once: WebCrypto runs them on worker threads, so a few
// in parallel beat one large call, and memory stays at a few segments.
const IN_FLIGHT = 4;

function ignore(): void {}

/** @internal Locks `readable` and returns its reader. @throws `INVALID_ARGUMENT` */
export function readerOf(
  readable: ReadableStream<Uint8Array>,
  name = 'readable',
): ReadableStreamDefaultReader<Uint8Array> {
  if (typeof (readable as { getReader?: unknown } | null)?.getReader !== 'function') {
    mustBe(name, 'a ReadableStream of Uint8Array chunks');
  }
  try {
    return readable.getReader();
  } catch (err) {
    return mustBe(name, 'a ReadableStream that is not locked or already read', err);
  }
}

/**
 * @internal A ReadableStream of `codec`'s output over `reader`'s input. The last segment is
 * only known as such when the input ends, so a full segment is cut only once at least one
 * more byte follows it. The output closes only after the last segment succeeded; any
 * failure errors it (and cancels the input).
 */
export function segmentStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  codec: SegmentCodec,
  name = 'readable',
): ReadableStream<Uint8Array> {
  const queue = byteQueue();
  const pending: Promise<Uint8Array>[] = [];
  let size = 0;
  let index = 0;
  let ended = false;
  let finished = false;

  function schedule(bytes: Uint8Array, last: boolean): void {
    const result = codec.segment(bytes, index++, last);
    result.catch(ignore); // observed when its turn comes; this keeps it from being "unhandled"
    pending.push(result);
  }

  async function step(controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> {
    if (size === 0) {
      const started = await codec.start(queue, ended);
      if (started !== undefined) {
        size = started.segmentSize;
        if (started.prelude !== undefined) {
          controller.enqueue(started.prelude);
          return true;
        }
      } else if (ended) {
        return malformed('stream header (truncated)');
      }
    }
    if (size > 0) {
      while (pending.length < IN_FLIGHT && queue.length > size) schedule(queue.take(size), false);
      if (ended && !finished && pending.length < IN_FLIGHT && queue.length <= size) {
        schedule(queue.take(queue.length), true);
        finished = true;
      }
      if (pending.length > 0 && (pending.length >= IN_FLIGHT || finished)) {
        const out = await pending.shift()!;
        if (out.length === 0) return false;
        controller.enqueue(out);
        return true;
      }
      if (finished) {
        controller.close();
        return true;
      }
    }
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw codec.failure(err, true);
    }
    const { done, value } = chunk;
    if (done) ended = true;
    else queue.push(assertBytes(value, `${name} chunk`));
    return false;
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Each pull must enqueue or close: a pull that does neither is never called again.
        while (!(await step(controller))) {}
      } catch (err) {
        pending.length = 0;
        reader.cancel(err).catch(ignore);
        throw err instanceof DeviceBindingError ? err : codec.failure(err, false);
      }
    },
    cancel(reason) {
      pending.length = 0;
      return reader.cancel(reason);
    },
  });
}
