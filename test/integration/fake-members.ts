// Stand-ins for the ensemble member entry, written to a temp dir by the supervisor tests: they keep
// the member process contract (config argument, ready/state messages, SIGTERM, orphan exit) and
// "elect" the highest sid whose client port answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FAKE_MEMBER = `
import { connect, createServer } from 'node:net';
const config = JSON.parse(process.argv[process.argv.indexOf('--config') + 1]);
console.log(JSON.stringify(config));
if (config.sid === FAIL_SID) {
  console.error('Error: fake member ' + config.sid + ' refuses to start');
  process.exit(3);
}
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
const answers = (port) => new Promise((resolve) => {
  const socket = connect(port, config.host);
  socket.on('connect', () => { socket.destroy(); resolve(true); });
  socket.on('error', () => resolve(false));
});
let state = null;
async function look() {
  const up = [];
  for (const s of config.servers) if (s.sid === config.sid || (await answers(s.clientPort))) up.push(s.sid);
  const next = Math.max(...up) === config.sid ? 'LEADING' : 'FOLLOWING';
  if (next !== state) {
    state = next;
    process.send({ type: 'state', state, phase: 'broadcast', zxid: '0x' + up.length.toString(16), leader: Math.max(...up), epoch: 1 });
  }
}
createServer((socket) => socket.destroy()).listen(config.clientPort, config.host, () => {
  process.send({ type: 'ready' });
  setInterval(look, 50);
});
`;

/** Writes a fake member entry; the member with `failSid` exits with code 3 at start. */
export function writeFakeMember(dir: string, failSid = 0): string {
  const file = join(dir, `fake-member-${failSid}.mjs`);
  writeFileSync(file, FAKE_MEMBER.replace('FAIL_SID', String(failSid)));
  return file;
}
