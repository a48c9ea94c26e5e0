// Types of oauth-resource-server.mjs.

import type { ReplayCache } from 'devicebind/server';
import type { Express } from 'express';

export interface ResourceServerConfig {
  issuer: string;
  jwksUri: string;
  publicOrigin: string;
  replayCache: ReplayCache;
  bodyBinding?: 'required' | 'optional';
}

export declare function createResourceServer(config: ResourceServerConfig): Express;
