// The dashboard page: takes the token, follows the snapshot stream and redraws each panel from it (the
// cluster picture, the elections to replay, the tables); Kill, Start, Scale, Destroy and Deploy go through
// the dashboard's actions.
import { fill, h } from '../common/dom.js';
import { AppsPanel, messageOf, wireDeployForm } from './apps.js';
import { chart } from './chart.js';
import { follow, type LinkState } from './live.js';
import type { DashboardSnapshot } from './model.js';
import { Access, takeToken } from './access.js';
import { Picture } from './picture.js';
import { Replays } from './replay.js';
import { timelineItems } from './timeline.js';
import { topology } from './topology.js';

/** The chart slides along with time between snapshots. */
const CHART_TICK_MS = 1_000;
const NO_TOKEN = 'This page needs the cluster token: open the URL that `minicluster ui` prints.';

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
}

function notice(text: string | null): void {
  const el = byId('notice');
  el.hidden = text === null;
  el.textContent = text;
}

function showLink(state: LinkState): void {
  const el = byId('connection');
  el.className = `badge ${linkClass(state)}`;
  el.textContent = state === 'down' ? 'reconnecting' : state;
  if (state === 'refused') notice(NO_TOKEN);
}

function linkClass(state: LinkState): string {
  switch (state) {
    case 'live':
      return 'live';
    case 'connecting':
      return '';
    case 'down':
    case 'refused':
      return 'down';
  }
}

function start(): void {
  const token = takeToken();
  if (token === null) return notice(NO_TOKEN);
  const access = new Access(token);
  const apps = new AppsPanel(access, notice);
  const picture = new Picture();
  const replays = new Replays(access, byId('elections'), byId('replay'), notice);
  let latest: DashboardSnapshot | null = null;
  const act = (action: 'kill' | 'start', name: string): void => {
    access.post(`components/${encodeURIComponent(name)}/${action}`).then(
      () => notice(null),
      (err: unknown) => notice(`${action} ${name} failed: ${messageOf(err)}`),
    );
  };
  const draw = (snapshot: DashboardSnapshot): void => {
    latest = snapshot;
    byId('cluster').textContent =
      `cluster ${snapshot.cluster.name} · ${snapshot.cluster.profile} · ${snapshot.cluster.phase}`;
    showLeadership(snapshot);
    if (picture.root.parentElement === null) fill(byId('picture'), picture.root);
    picture.draw(snapshot);
    replays.render(snapshot.elections.list);
    fill(byId('topology'), topology(snapshot, act));
    fill(byId('apps'), apps.render(snapshot.apps));
    fill(byId('timeline'), ...timelineItems(snapshot.events));
    fill(byId('chart'), chart(snapshot.chart, Date.now()));
  };
  wireDeployForm(access);
  follow({ access, onSnapshot: draw, onState: showLink });
  setInterval(() => {
    if (latest !== null) fill(byId('chart'), chart(latest.chart, Date.now()));
  }, CHART_TICK_MS);
}

/** The header says when no master leads, and links the Marathon UI through the cluster's Marathon address. */
function showLeadership(snapshot: DashboardSnapshot): void {
  const leading = snapshot.masters.find((m) => m.role === 'leading' && m.state === 'running');
  const note = byId('leadership');
  note.textContent = leading === undefined ? 'no leading master' : '';
  note.hidden = leading !== undefined;
  const ui = snapshot.marathon === null ? null : `${snapshot.marathon}/ui/`;
  const place = byId('marathon-ui');
  if (place.dataset['href'] === (ui ?? '')) return;
  place.dataset['href'] = ui ?? '';
  if (ui === null) fill(place);
  else fill(place, h('a', { href: ui, target: '_blank' }, 'Marathon UI'));
}

start();
