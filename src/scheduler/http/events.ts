// GET /v2/events: server-sent events from the scheduler's event bus, filtered by `event_type`,
// opened by an `event_stream_attached`; bounded in subscribers and in bytes queued per subscriber.
import type { Request, Response } from 'express';
import { MAX_EVENT_SUBSCRIBERS, MAX_EVENT_SUBSCRIBER_BUFFER_BYTES } from '../../common/limits.js';
import { type MarathonEvent, timestamp } from '../core/model.js';
import type { MarathonHttpContext } from './context.js';
import { queryList } from './respond.js';

/** One SSE frame: `event: <type>\ndata: <json>\n\n`. */
function sseFrame(event: MarathonEvent): string {
  return `event: ${event.eventType}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The handler of /v2/events; counts its subscribers across requests. */
export function eventsHandler(ctx: MarathonHttpContext): (req: Request, res: Response) => void {
  let subscribers = 0;
  return (req, res) => {
    if (subscribers >= MAX_EVENT_SUBSCRIBERS) {
      res.status(503).json({ message: `Too many event stream subscribers (at most ${MAX_EVENT_SUBSCRIBERS})` });
      return;
    }
    subscribers++;
    const types = new Set(queryList(req, 'event_type'));
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    const remoteAddress = req.socket.remoteAddress ?? '';
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      subscribers--;
      unsubscribe();
      ctx.events.publish({ eventType: 'event_stream_detached', remoteAddress, timestamp: timestamp(ctx.now()) });
    };
    const unsubscribe = ctx.events.subscribe((event) => {
      if (!open || (types.size > 0 && !types.has(event.eventType))) return;
      if (res.writableLength > MAX_EVENT_SUBSCRIBER_BUFFER_BYTES) {
        res.destroy();
        return;
      }
      res.write(sseFrame(event));
    });
    res.on('close', close);
    ctx.events.publish({ eventType: 'event_stream_attached', remoteAddress, timestamp: timestamp(ctx.now()) });
  };
}
