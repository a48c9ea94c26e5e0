// Internal entry of the envelope code for DeviceBinding and the server: opening envelopes
// and streams, sealing to self, and the stream format. Not a public subpath.

export { OPEN_FAILED } from './failure.js';
export { openEnvelopeWithKey } from './open-envelope.js';
export { openEnvelopeStreamWithKey } from './open-stream.js';
export { sealWithKey, unsealWithKey } from './seal.js';
export type { EnvelopeKey, FlattenedJwe, OpenEnvelopeOptions, SealBinding } from './types.js';
