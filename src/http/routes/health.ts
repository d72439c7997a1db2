// Liveness and readiness. /readyz checks the database answers and that writes have not been
// failing (a full disk, a read-only file: `select 1` still works then); other parts (the delivery
// worker) add their own checks to `ctx.readinessChecks`. Anyone may call /readyz, so its details
// name the kind of failure ("database unreachable", "database disk is full (SQLITE_FULL)") and
// never an address, a host name or credentials; the driver's own error goes to the server log.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ReadinessCheck } from '../../context.ts';
import { classifyStorageError, STORAGE_FAILURES } from '../../storage/storage-errors.ts';

type CheckResult = Awaited<ReturnType<ReadinessCheck>>;

function databaseCheck(ctx: AppContext): ReadinessCheck {
  return async () => {
    const name = 'database';
    try {
      await sql`select 1`.execute(ctx.db);
    } catch (error) {
      const failure = classifyStorageError(error);
      // Classified failures are logged once per outage by the storage layer; anything else here.
      if (!failure) ctx.logger.error({ err: error }, 'readiness: the database check failed');
      return { name, ok: false, detail: failure ? `${STORAGE_FAILURES[failure.kind].description} (${failure.code})` : 'database check failed' };
    }
    const problem = ctx.database.health.problem();
    return problem ? { name, ok: false, detail: `${problem.description} (${problem.code})` } : { name, ok: true };
  };
}

const ADDRESS = /\b[a-z][a-z0-9+.-]*:\/\/\S+|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[[0-9a-f:.]+\](?::\d+)?|\b[0-9a-f]*::[0-9a-f:.]*/gi;

/** Another check's detail as the public may see it: a storage failure by its kind, addresses cut out. */
export function publicDetail(detail: string): string {
  const failure = classifyStorageError({ message: detail, code: /\b(E[A-Z]+|SQLITE_[A-Z_]+)\b/.exec(detail)?.[1] });
  return failure ? STORAGE_FAILURES[failure.kind].description : detail.replace(ADDRESS, '[address]');
}

function sanitised(result: CheckResult): CheckResult {
  return result.detail === undefined ? result : { ...result, detail: publicDetail(result.detail) };
}

export function healthRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const others = ctx.readinessChecks.map(async (check) => sanitised(await check()));
      const results = await Promise.all([databaseCheck(ctx)(), ...others]);
      const ok = results.every((r) => r.ok);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
    });
  };
}
