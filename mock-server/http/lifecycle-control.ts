// The control API's view of the function lifecycle: a function's configuration, triggers and code, the transition time and forced failures.
import type { Request, Response, Router } from 'express';
import { MAX_FORCED_FAILURES } from '../api-facts.js';
import type { MockContext } from '../context.js';
import { describeErrors, isMockForcedFailure, isMockLifecycle } from '../validation.js';
import { ControlError, envIdParam, requireBody } from './control-api.js';

/**
 * Adds the lifecycle routes to the control router:
 * `GET /__mock/envs/:env/functions/:name` (record, configuration, triggers, code, change under way),
 * `GET|PUT /__mock/lifecycle` (transition time and forced failures) and
 * `POST|DELETE /__mock/lifecycle/failures`.
 * @example lifecycleRoutes(router, context)
 */
export function lifecycleRoutes(router: Router, context: MockContext): void {
  const { lifecycle } = context;

  router.get('/envs/:env/functions/:name', (req: Request, res: Response) => {
    const id = envIdParam(req);
    const name = String(req.params.name);
    const view = lifecycle.describe(id, name);
    if (!view) {
      const envKnown = context.store.getEnv(id) !== undefined;
      throw new ControlError(404, envKnown ? `function ${name} is not in env ${id}` : `env ${id} is not in the data`);
    }
    res.json(view);
  });

  router.get('/lifecycle', (_req: Request, res: Response) => {
    res.json(lifecycle.view());
  });
  router.put('/lifecycle', (req: Request, res: Response) => {
    const body = requireBody(req);
    if (!isMockLifecycle(body)) {
      throw new ControlError(400, 'lifecycle: not valid settings', describeErrors(isMockLifecycle.errors));
    }
    lifecycle.configure(body);
    res.json(lifecycle.view());
  });
  router.post('/lifecycle/failures', (req: Request, res: Response) => {
    const body = requireBody(req);
    if (!isMockForcedFailure(body)) {
      throw new ControlError(400, 'failure: not a valid forced failure', describeErrors(isMockForcedFailure.errors));
    }
    if (!lifecycle.addFailure(body)) {
      throw new ControlError(
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
