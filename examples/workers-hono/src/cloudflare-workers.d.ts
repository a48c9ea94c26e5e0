// Types of the Workers runtime module `cloudflare:workers`, from @cloudflare/workers-types
// (a project set up by Wrangler gets them from its generated worker-configuration.d.ts).

declare module 'cloudflare:workers' {
  import type { CloudflareWorkersModule } from '@cloudflare/workers-types';

  export const DurableObject: typeof CloudflareWorkersModule.DurableObject;
  export type DurableObject<Env = unknown> = CloudflareWorkersModule.DurableObject<Env>;
}
