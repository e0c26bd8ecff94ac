// /v2/info (name, version, leader, framework id and the flags by Marathon's names), /v2/leader (GET, and
// DELETE to abdicate), /ping and /metrics (Dropwizard-style gauges) of the leading scheduler.
import express from 'express';
import type { MessageJson } from '../../api/marathon.js';
import type { MarathonHttpContext } from './context.js';
import { type Leading, leading, queryString } from './respond.js';

/** The Marathon release whose API (the 1.5+ shapes) this scheduler serves. */
export const MARATHON_VERSION = '1.5.0';

/** `host:port` of this scheduler, as /v2/leader and /v2/info name the leader. */
export function hostPort(ctx: MarathonHttpContext): string {
  return `${ctx.flags.hostname}:${ctx.flags.httpPort}`;
}

export function systemRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  router.get(
    '/v2/info',
    leading(ctx, (lead, _req, res) => void res.json(info(ctx, lead))),
  );
  router.get(
    '/v2/leader',
    leading(ctx, (_lead, _req, res) => void res.json({ leader: hostPort(ctx) })),
  );
  router.delete(
    '/v2/leader',
    leading(ctx, (lead, req, res) => {
      if (queryString(req, 'backup') !== undefined || queryString(req, 'restore') !== undefined) {
        res.status(400).json({ message: 'backup and restore are not supported: the state lives in ZooKeeper only' });
        return;
      }
      // Marathon steps down once the answer is out; the next leader reads the state back from the store.
      res.on('finish', () => lead.abdicate());
      const answer: MessageJson = { message: 'Leadership abdicated' };
      res.json(answer);
    }),
  );
  router.get('/ping', (req, res) => {
    if (req.accepts('text/plain')) res.type('text/plain').send('pong');
    else if (req.accepts('application/json')) res.json('pong');
    else res.status(204).end();
  });
  router.get(
    '/metrics',
    leading(ctx, (lead, _req, res) => void res.json(metrics(lead))),
  );
  return router;
}

function info(ctx: MarathonHttpContext, lead: Leading): Record<string, unknown> {
  const f = ctx.flags;
  return {
    name: 'marathon',
    version: MARATHON_VERSION,
    buildref: 'minicluster',
    elected: true,
    leader: hostPort(ctx),
    frameworkId: lead.core.frameworkId,
    marathon_config: {
      master: f.master,
      hostname: f.hostname,
      framework_name: f.frameworkName,
      executor: '//cmd',
      ha: true,
      checkpoint: true,
      local_port_min: f.localPortMin,
      local_port_max: f.localPortMax,
      task_launch_timeout: f.taskLaunchTimeoutMs,
      reconciliation_interval: f.reconciliationIntervalMs,
      failover_timeout: f.failoverTimeoutSeconds,
      mesos_role: f.mesosRole,
      mesos_user: f.mesosUser,
      mesos_leader_ui_url: ctx.mesosLeaderUiUrl(),
      webui_url: null,
      features: [],
    },
    zookeeper_config: {
      zk: f.zk,
      zk_timeout: f.zkSessionTimeoutMs,
      zk_session_timeout: f.zkSessionTimeoutMs,
      zk_max_versions: f.zkMaxVersions,
    },
    http_config: { http_port: f.httpPort, https_port: 8443 },
  };
}

function metrics(lead: Leading): Record<string, unknown> {
  const instances = lead.core.instances();
  const gauge = (value: number) => ({ value });
  return {
    version: '4.0.0',
    gauges: {
      'service.mesosphere.marathon.app.count': gauge(Object.keys(lead.core.root.apps).length),
      'service.mesosphere.marathon.group.count': gauge(Object.keys(lead.core.root.groups).length),
      'service.mesosphere.marathon.task.running.count': gauge(
        instances.filter((i) => i.state === 'TASK_RUNNING').length,
      ),
      'service.mesosphere.marathon.task.staged.count': gauge(
        instances.filter((i) => i.state === 'TASK_STAGING').length,
      ),
      'service.mesosphere.marathon.deployments.active': gauge(lead.core.deployments().length),
    },
    counters: {},
    histograms: {},
    meters: {},
    timers: {},
  };
}
