// /v2/eventSubscriptions (Marathon ≤ 1.4 with --event_subscriber http_callback): GET lists the callback URLs,
// POST and DELETE `?callbackUrl=` subscribe and unsubscribe one (stored first), answer the subscribe_event or
// unsubscribe_event and put it on the event bus, whose events are then POSTed to every callback URL.
import express, { type Request, type Response } from 'express';
import type { CallbackUrlsJson, SubscriptionEventJson } from '../../api/marathon.js';
import { timestamp } from '../core/model.js';
import type { MarathonHttpContext } from './context.js';
import { type Leading, leading, queryString, sendError } from './respond.js';

export const EVENT_SUBSCRIPTIONS_PATH = '/v2/eventSubscriptions';

export function eventSubscriptionsRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  router.get(
    EVENT_SUBSCRIPTIONS_PATH,
    leading(ctx, (lead, _req, res) => {
      const body: CallbackUrlsJson = { callbackUrls: lead.subscriptions.callbackUrls() };
      res.json(body);
    }),
  );
  router.post(
    EVENT_SUBSCRIPTIONS_PATH,
    leading(ctx, (lead, req, res) => change({ ctx, lead, req, res }, 'subscribe_event')),
  );
  router.delete(
    EVENT_SUBSCRIPTIONS_PATH,
    leading(ctx, (lead, req, res) => change({ ctx, lead, req, res }, 'unsubscribe_event')),
  );
  return router;
}

interface ChangeCall {
  ctx: MarathonHttpContext;
  lead: Leading;
  req: Request;
  res: Response;
}

async function change(call: ChangeCall, eventType: 'subscribe_event' | 'unsubscribe_event'): Promise<void> {
  const { ctx, lead, req, res } = call;
  const callbackUrl = queryString(req, 'callbackUrl');
  if (callbackUrl === undefined || callbackUrl === '') {
    res.status(400).json({ message: "Expecting 'callbackUrl' in the query" });
    return;
  }
  const { subscriptions } = lead;
  const stored = await (eventType === 'subscribe_event'
    ? subscriptions.subscribe(callbackUrl)
    : subscriptions.unsubscribe(callbackUrl));
  if (!stored.ok) return sendError(res, stored);
  const clientIp = req.ip ?? req.socket.remoteAddress ?? '';
  const event: SubscriptionEventJson = { clientIp, callbackUrl, eventType, timestamp: timestamp(ctx.now()) };
  ctx.events.publish(event);
  res.json(event);
}
