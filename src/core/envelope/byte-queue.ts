// A FIFO of byte chunks that hands out exact-size pieces, copying only when a piece spans
// chunks, so streams work the same with 1-byte and 100-megabyte input chunks.

/** @internal */
export interface ByteQueue {
  /** Bytes buffered. */
  readonly length: number;
  push(chunk: Uint8Array): void;
  /** Removes and returns the first `n` bytes (`n` ≤ `length`). */
  take(n: number): Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** @internal */
export function byteQueue(): ByteQueue {
  let chunks: Uint8Array[] = [];
  let first = 0; // index of the first live chunk
  let offset = 0; // bytes already taken from it
  let length = 0;
  function advance(k: number): Uint8Array {
    const chunk = chunks[first]!;
    const piece = chunk.subarray(offset, offset + k);
    offset += k;
    if (offset === chunk.length) {
      chunks[first++] = EMPTY; // release the chunk's memory
      offset = 0;
      // Drop consumed slots now and then, so 1-byte chunks cost O(1) each.
      if (first > 1024 && first * 2 > chunks.length) {
        chunks = chunks.slice(first);
        first = 0;
      }
    }
    return piece;
  }
  return {
    get length() {
      return length;
    },
    push(chunk) {
      if (chunk.length === 0) return;
      chunks.push(chunk);
      length += chunk.length;
    },
    take(n) {
      length -= n;
      if (chunks[first] !== undefined && chunks[first]!.length - offset >= n) return advance(n);
      const out = new Uint8Array(n);
      for (let o = 0; o < n; ) {
        const piece = advance(Math.min(chunks[first]!.length - offset, n - o));
        out.set(piece, o);
        o += piece.length;
      }
      return out;
    },
  };
}
