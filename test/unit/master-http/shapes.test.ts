// Parsing untrusted JSON: scheduler calls (Mesos's 400/501 messages) and agent link messages.
import { describe, expect, it } from 'vitest';
import { parseAgentMessage } from '../../../src/master/agent-link.js';
import { parseCall } from '../../../src/master/http/call-shape.js';

const fw = { framework_id: { value: 'f' } };

describe('parseCall', () => {
  it('accepts the calls of the reference and fills absent repeated fields', () => {
    const subscribe = parseCall(
      JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name: 'm', roles: ['*'] } } }),
    );
    expect(subscribe.ok).toBe(true);
    const accept = parseCall(
      JSON.stringify({
        ...fw,
        type: 'ACCEPT',
        accept: {
          offer_ids: [{ value: 'o' }],
          operations: [
            {
              type: 'LAUNCH',
              launch: {
                task_infos: [
                  { name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, command: { value: 'true' } },
                ],
              },
            },
          ],
        },
      }),
    );
    expect(accept).toMatchObject({
      ok: true,
      call: { accept: { operations: [{ launch: { task_infos: [{ resources: [] }] } }] } },
    });
    expect(parseCall(JSON.stringify({ ...fw, type: 'DECLINE', decline: {} }))).toMatchObject({
      ok: true,
      call: { decline: { offer_ids: [] } },
    });
    for (const type of ['TEARDOWN', 'REVIVE', 'SUPPRESS'])
      expect(parseCall(JSON.stringify({ ...fw, type })).ok).toBe(true);
    expect(
      parseCall(
        JSON.stringify({
          ...fw,
          type: 'ACKNOWLEDGE',
          acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: 'dQ==' },
        }),
      ).ok,
    ).toBe(true);
  });

  it('answers 400 with what is wrong, in Mesos words', () => {
    const cases: [unknown, RegExp][] = [
      ['nope', /^Failed to parse body into JSON/],
      [[], /^Failed to convert JSON into Call protobuf: Field '' must be an object/],
      [{ type: 'KILL', ...fw }, /^Failed to validate scheduler::Call: Expecting 'kill' to be present$/],
      [{ type: 'RECONCILE', framework_id: { value: 1 } }, /Field 'framework_id\.value' must be a string/],
      [
        { ...fw, type: 'ACCEPT', accept: { operations: [{ type: 'LAUNCH' }] } },
        /Expecting 'accept\.operations\[0\]\.launch' to be present/,
      ],
      [{ ...fw, type: 'ACCEPT', accept: { operations: [{ type: 'GROW_VOLUME' }] } }, /must be one of LAUNCH/],
      [
        { ...fw, type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' } } },
        /Missing required fields: acknowledge\.uuid/,
      ],
    ];
    for (const [body, message] of cases) {
      const parsed = parseCall(typeof body === 'string' ? body : JSON.stringify(body));
      expect(parsed).toMatchObject({ ok: false, status: 400 });
      if (!parsed.ok) expect(parsed.message).toMatch(message);
    }
  });

  it('answers 501 for valid call types this master does not serve', () => {
    expect(parseCall(JSON.stringify({ ...fw, type: 'UPDATE_FRAMEWORK' }))).toMatchObject({ ok: false, status: 501 });
  });
});

describe('parseAgentMessage', () => {
  const agent = { hostname: 'h', resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] };

  it('accepts the AgentToMaster messages', () => {
    expect(parseAgentMessage(JSON.stringify({ type: 'REGISTER', agent, version: '1.11.0' }))).toMatchObject({
      type: 'REGISTER',
    });
    expect(
      parseAgentMessage(JSON.stringify({ type: 'REREGISTER', agent: { ...agent, id: { value: 'a' } }, version: '1' })),
    ).toMatchObject({ tasks: [], frameworks: [] });
    expect(parseAgentMessage('{"type":"PONG"}')).toEqual({ type: 'PONG' });
    const update = {
      framework_id: { value: 'f' },
      status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'u' },
    };
    expect(parseAgentMessage(JSON.stringify({ type: 'STATUS_UPDATE', update }))).toMatchObject({ update });
  });

  it('names what is wrong with anything else', () => {
    expect(parseAgentMessage('{')).toBe('not JSON');
    expect(parseAgentMessage('{"type":"HELLO"}')).toBe('unknown message type "HELLO"');
    expect(parseAgentMessage(JSON.stringify({ type: 'REREGISTER', agent, version: '1' }))).toBe(
      'Missing required fields: agent.id',
    );
    const bad = { framework_id: { value: 'f' }, status: { task_id: { value: 't' }, state: 'TASK_NAPPING' } };
    expect(parseAgentMessage(JSON.stringify({ type: 'STATUS_UPDATE', update: bad }))).toMatch(
      /update\.status\.state' must be one of/,
    );
  });
});
