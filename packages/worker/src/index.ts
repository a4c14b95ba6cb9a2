export { createEngineClient } from './client.js';
export type { DescendOptions, DescendRequest, EngineClient, EngineClientOptions } from './client.js';
export { createEnginePool, defaultPoolSize } from './pool.js';
export type { EnginePool } from './pool.js';
export { EngineError } from './errors.js';
export type { EngineErrorCode, SerializedEngineError, SourceSpan } from './errors.js';
export type * from './protocol.js';
export type { Transport, TransportKind, SpawnedEngine } from './transports/transport.js';
