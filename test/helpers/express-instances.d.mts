// Types of express-instances.mjs.

export interface ExampleConfig {
  PUBLIC_ORIGIN: string;
  REDIS_URL: string;
  NONCE_SECRET: string;
  TOKEN_SIGNING_KEY: string;
  [name: string]: string;
}

export interface ExpressInstance {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** What the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export declare function exampleConfig(options: {
  publicOrigin?: string;
  redisUrl: string;
}): Promise<ExampleConfig>;
export declare function startExpressInstance(config: ExampleConfig): Promise<ExpressInstance>;
