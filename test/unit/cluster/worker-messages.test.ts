// What the supervisor accepts from master and agent worker threads.
import { describe, expect, it } from 'vitest';
import { parseAgentMessage, parseMasterMessage } from '../../../src/cluster/worker-messages.js';

describe('worker messages', () => {
  it('reads master ready and state messages and refuses anything else', () => {
    expect(parseMasterMessage({ type: 'ready', url: 'http://127.0.0.1:5050' })).toEqual({ type: 'ready', url: 'http://127.0.0.1:5050' });
    expect(parseMasterMessage({ type: 'state', role: 'leading', leader: null })).toEqual({ type: 'state', role: 'leading', leader: null });
    expect(parseMasterMessage({ type: 'state', role: 'boss', leader: null })).toBeNull();
    expect(parseMasterMessage({ type: 'ready' })).toBeNull();
    expect(parseMasterMessage(null)).toBeNull();
  });

  it('reads agent ready and state messages and refuses anything else', () => {
    expect(parseAgentMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    const state = { type: 'state', registered: true, agentId: 'a-S0', master: 'master@127.0.0.1:5050' };
    expect(parseAgentMessage(state)).toEqual(state);
    expect(parseAgentMessage({ ...state, registered: 'yes' })).toBeNull();
    expect(parseAgentMessage({ ...state, agentId: 7 })).toBeNull();
    expect(parseAgentMessage('ready')).toBeNull();
  });
});
