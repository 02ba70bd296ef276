// The control API's view of the function lifecycle: a function's configuration, triggers and code, the transition time and forced failures.
import type { Request, Response, Router } from 'express';
import { MAX_FORCED_FAILURES } from '../api-facts.js';
import type { MockContext } from '../context.js';
import { describeErrors, isMockForcedFailure, isMockLifecycle } from '../validation.js';

/** What the control router lends these routes (passed in, so the two files import in one direction only). */
export interface ControlHelpers {
  /** The body parsed as JSON; throws a 400 when it is missing or not JSON. */
  requireBody(req: Request): unknown;
  /** The :env parameter; throws a 400 when it is not an env id. */
  envIdParam(req: Request): string;
  /** The error the control router answers with its status and issues. */
  refuse(status: number, message: string, issues?: { path: string; message: string }[]): Error;
}

/**
 * Adds the lifecycle routes to the control router:
 * `GET /__mock/envs/:env/functions/:name` (record, configuration, triggers, code, change under way),
 * `GET|PUT /__mock/lifecycle` (transition time and forced failures) and
 * `POST|DELETE /__mock/lifecycle/failures`.
 * @example lifecycleRoutes(router, context, helpers)
 */
export function lifecycleRoutes(router: Router, context: MockContext, helpers: ControlHelpers): void {
  const { lifecycle } = context;
  const { requireBody, envIdParam, refuse } = helpers;

  router.get('/envs/:env/functions/:name', (req: Request, res: Response) => {
    const id = envIdParam(req);
    const name = String(req.params.name);
    const view = lifecycle.describe(id, name);
    if (!view) {
      const envKnown = context.store.getEnv(id) !== undefined;
      throw refuse(404, envKnown ? `function ${name} is not in env ${id}` : `env ${id} is not in the data`);
    }
    res.json(view);
  });

  router.get('/lifecycle', (_req: Request, res: Response) => {
    res.json(lifecycle.view());
  });
  router.put('/lifecycle', (req: Request, res: Response) => {
    const body = requireBody(req);
    if (!isMockLifecycle(body)) {
      throw refuse(400, 'lifecycle: not valid settings', describeErrors(isMockLifecycle.errors));
    }
    lifecycle.configure(body);
    res.json(lifecycle.view());
  });
  router.post('/lifecycle/failures', (req: Request, res: Response) => {
    const body = requireBody(req);
    if (!isMockForcedFailure(body)) {
      throw refuse(400, 'failure: not a valid forced failure', describeErrors(isMockForcedFailure.errors));
    }
    if (!lifecycle.addFailure(body)) {
      throw refuse(
        409,
        `the forced-failure queue is full (${MAX_FORCED_FAILURES}); use times: N, or DELETE /__mock/lifecycle/failures`,
      );
    }
    res.status(201).json(lifecycle.view());
  });
  router.delete('/lifecycle/failures', (_req: Request, res: Response) => {
    res.json({ cleared: lifecycle.clearFailures() });
  });
}
