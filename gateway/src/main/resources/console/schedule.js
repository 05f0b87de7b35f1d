// One schedule: its spec, its next fire times in two zones with DST marked, its runs and a chart of them.
import {api} from './api.js';
import {h, svg, replace, confirmDialog} from './dom.js';
import {viewerZone, cadenceInWords, formatTime, formatLag, runLag, offsetIn, targetInWords} from './format.js';
import {flash, navigate, showProblem} from './ui.js';

const RUN_POLL_MS = 1000;
const RUN_POLL_LIMIT_MS = 30000;

function specList(s) {
  const rows = [
    ['Target', targetInWords(s)],
    ['Cadence', cadenceInWords(s.schedule)],
    ['Messages', (s.messages || []).map(m => m.role + ': ' + (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join(' | ') || '—'],
    ['Start', s.start_at ? formatTime(s.start_at, viewerZone) : '—'],
    ['End', s.end_at ? formatTime(s.end_at, viewerZone) : '—'],
    ['Max runs', s.max_runs ?? '—'],
    ['Catch-up', s.catchup + (s.catchup === 'fire_all' ? ' within ' + s.catchup_window : '')],
    ['Jitter', s.jitter],
    ['Overlap', s.overlap],
    ['Retry', s.retry ? s.retry.max_attempts + ' attempts within ' + s.retry.max_age : '—'],
    ['Pause after failures', s.pause_after_failures === 0 ? 'never' : s.pause_after_failures],
    ['Labels', Object.entries(s.labels || {}).map(([k, v]) => k + '=' + v).join(', ') || '—'],
    ['Fires', (s.counters ? s.counters.fires + ' scheduled, ' + s.counters.manual_fires + ' manual, ' + s.counters.delivered
      + ' delivered, ' + s.counters.failed + ' failed, ' + s.counters.missed + ' missed' : '—')],
    ['Version', s.version],
    ['Created', formatTime(s.created_at, viewerZone)],
    ['Updated', formatTime(s.updated_at, viewerZone)],
  ];
  return h('dl', {class: 'spec'}, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, String(value))]));
}

function dstNote(dst) {
  if (!dst) return '';
  const words = dst.kind === 'spring_forward' ? 'Clocks go forward' : 'Clocks go back';
  return words + ' (' + dst.offset_before + ' → ' + dst.offset_after + ')';
}

/** The preview's fire times in the schedule's zone and the viewer's, DST changes marked in both. */
export function fireTable(preview, id = 'next-fires') {
  const zone = preview.timezone;
  const body = h('tbody', {});
  let previousViewerOffset = offsetIn(new Date().toISOString(), viewerZone);
  preview.fire_times.forEach((fire, index) => {
    const viewerOffset = offsetIn(fire.at, viewerZone);
    const viewerChanged = viewerOffset && previousViewerOffset && viewerOffset !== previousViewerOffset;
    const notes = [];
    if (fire.dst) notes.push(zone + ': ' + dstNote(fire.dst));
    if (viewerChanged && viewerZone !== zone) notes.push('your zone: ' + previousViewerOffset + ' → ' + viewerOffset);
    previousViewerOffset = viewerOffset;
    body.append(h('tr', {class: notes.length ? 'dst-row' : null},
      h('td', {}, String(index + 1)),
      h('td', {}, formatTime(fire.at, zone)),
      h('td', {}, formatTime(fire.at, viewerZone)),
      h('td', {class: notes.length ? 'dst' : 'muted'}, notes.length ? '⚠ ' + notes.join('; ') : '—')));
  });
  if (preview.fire_times.length === 0) {
    body.append(h('tr', {}, h('td', {colspan: 4, class: 'muted'}, 'No more fires.')));
  }
  return h('table', {id},
    h('caption', {}, 'Computed by the planner\'s own rules. DST: the clocks changed since the previous fire.'),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, '#'), h('th', {scope: 'col'}, 'Schedule zone (' + zone + ')'),
      h('th', {scope: 'col'}, 'Your zone (' + viewerZone + ')'), h('th', {scope: 'col'}, 'DST'))),
    body);
}

function runsTable(runs) {
  const body = h('tbody', {});
  for (const run of runs) {
    body.append(h('tr', {},
      h('td', {}, formatTime(run.scheduled_for, viewerZone), run.manual ? h('div', {class: 'muted'}, 'manual trigger') : null),
      h('td', {}, formatTime(run.delivered_at || run.started_at, viewerZone)),
      h('td', {}, formatLag(runLag(run))),
      h('td', {}, h('span', {class: 'badge ' + run.outcome}, run.outcome)),
      h('td', {}, String(run.attempt)),
      h('td', {}, run.http_status === null || run.http_status === undefined ? '—' : String(run.http_status)),
      h('td', {class: 'mono letta-run-id'}, run.letta_run_id || '—'),
      h('td', {class: 'letta-run-status'}, lettaRunStatus(run)),
      h('td', {class: 'muted'}, [run.overlapped ? 'overlapped a run still working' : '', run.detail || ''].filter(Boolean).join('; '))));
  }
  if (runs.length === 0) body.append(h('tr', {}, h('td', {colspan: 9, class: 'muted'}, 'No runs yet.')));
  return h('table', {id: 'runs'},
    h('thead', {}, h('tr', {}, ['Scheduled for', 'Sent at', 'Lag', 'Outcome', 'Attempt', 'HTTP', 'Letta run id', 'Letta run', 'Detail']
      .map(t => h('th', {scope: 'col'}, t)))),
    body);
}

/** What the page shows of the runs: a change (a new run, a run's end) redraws it. */
function runsSignature(runs) {
  return runs.map(r => [r.fire_id, r.attempt, r.outcome, r.letta_run_status || ''].join(' ')).join('|');
}

/** Letta's run statuses after which the executor stops following a run (unknown: it gave up following). */
const RUN_ENDS = ['completed', 'failed', 'cancelled', 'unknown'];

function isWorking(run) {
  return !!run.letta_run_id && run.outcome === 'delivered' && !RUN_ENDS.includes(run.letta_run_status);
}

/** How the Letta run the delivery started ended (followed by the executor), with when; "working" until it ends. */
function lettaRunStatus(run) {
  if (isWorking(run)) {
    return h('span', {class: 'muted'}, 'working' + (run.letta_run_status ? ' (' + run.letta_run_status + ')' : ''));
  }
  if (run.letta_run_status) {
    return h('span', {}, h('span', {class: 'badge run-' + run.letta_run_status}, run.letta_run_status),
      run.finished_at ? h('div', {class: 'muted'}, formatTime(run.finished_at, viewerZone)) : null);
  }
  return '—';
}

const COLOURS = {delivered: '#1a6b36', failed: '#a4161a'};

/** Bars of lag for the recent runs, oldest on the left, coloured by outcome. */
function runsChart(runs) {
  const recent = runs.slice(0, 40).reverse();
  const width = 640, height = 160, left = 48, bottom = 20, top = 10;
  const lags = recent.map(r => Math.max(0, runLag(r) || 0));
  const max = Math.max(1000, ...lags);
  const slot = (width - left - 8) / Math.max(recent.length, 20);
  const delivered = recent.filter(r => r.outcome === 'delivered').length;
  const chart = svg('svg', {class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Lag of the last ${recent.length} runs, ${delivered} delivered; the longest ${formatLag(Math.max(0, ...lags))}`},
    svg('line', {class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom}),
    svg('line', {class: 'axis', x1: left, y1: height - bottom, x2: width - 4, y2: height - bottom}),
    svg('text', {x: 4, y: top + 10}, formatLag(max)),
    svg('text', {x: 4, y: height - bottom}, '0'));
  recent.forEach((run, i) => {
    const barHeight = Math.max(2, (lags[i] / max) * (height - top - bottom));
    chart.append(svg('rect', {x: left + 2 + i * slot, y: height - bottom - barHeight, width: Math.min(24, Math.max(2, slot - 3)), height: barHeight,
      fill: COLOURS[run.outcome] || '#7a4b00'},
    svg('title', {}, formatTime(run.scheduled_for, viewerZone) + ': ' + run.outcome + ', lag ' + formatLag(lags[i]))));
  });
  return h('figure', {},
    chart,
    h('figcaption', {class: 'legend'},
      h('span', {}, h('span', {class: 'swatch delivered'}), 'delivered'),
      h('span', {}, h('span', {class: 'swatch failed'}), 'failed'),
      h('span', {}, h('span', {class: 'swatch other'}), 'other'),
      h('span', {}, 'bar height: lag')));
}

let generation = 0;

export async function schedulePage(id) {
  const mine = ++generation;
  const [{body: s}, {body: preview}, {body: runsBody}] = await Promise.all([api.schedule(id), api.storedPreview(id, 10), api.runs(id, 50)]);
  const runs = runsBody.runs || [];

  async function act(action, message) {
    try {
      await action();
      navigate('#/schedule/' + encodeURIComponent(id), message);
    } catch (e) {
      showProblem(e);
    }
  }

  async function pollRuns(known) {
    const until = Date.now() + RUN_POLL_LIMIT_MS;
    while (mine === generation && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, RUN_POLL_MS));
      if (mine !== generation) return;
      const {body} = await api.runs(id, 50);
      const latest = body.runs || [];
      if (runsSignature(latest) !== known) {
        // The whole page again: the counters and last fire changed too.
        const message = latest.length > runs.length ? 'A new run arrived: ' + latest[0].outcome + '.' : 'A Letta run ended.';
        navigate('#/schedule/' + encodeURIComponent(id), message);
        return;
      }
    }
  }
  if (runs.some(isWorking)) {
    // A Letta run the executor still follows: show its end when it is recorded.
    pollRuns(runsSignature(runs)).catch(showProblem);
  }

  const actions = h('div', {class: 'actions'},
    h('a', {class: 'button secondary', href: '#/schedule/' + encodeURIComponent(id) + '/edit', id: 'edit'}, 'Edit'),
    s.status === 'active' ? h('button', {type: 'button', id: 'pause', onclick: async () => {
      const answer = await confirmDialog('Pause this schedule?', 'It stops firing until you resume it.', 'Pause', {withNote: true});
      if (answer) act(() => api.pause(id, answer.note), 'Paused.');
    }}, 'Pause') : null,
    s.status === 'paused' ? h('button', {type: 'button', id: 'resume', onclick: () => act(() => api.resume(id), 'Resumed.')}, 'Resume') : null,
    h('button', {type: 'button', id: 'trigger', onclick: async () => {
      try {
        await api.trigger(id);
        flash('Triggered: it fires now, outside its cadence. Waiting for the run…');
        pollRuns(runsSignature(runs)).catch(showProblem);
      } catch (e) {
        showProblem(e);
      }
    }}, 'Trigger now'),
    h('button', {type: 'button', class: 'danger', id: 'delete', onclick: async () => {
      const answer = await confirmDialog('Delete this schedule?', 'Schedule ' + id + ' will never fire again. This cannot be undone.', 'Delete', {danger: true});
      if (!answer) return;
      try {
        await api.remove(id, s.version);
        navigate('#/schedules', 'Deleted schedule ' + id + '.');
      } catch (e) {
        showProblem(e.status === 412 ? new Error('Someone changed this schedule meanwhile; it was not deleted. Reload and look again.') : e);
      }
    }}, 'Delete'));

  replace(document.getElementById('main'),
    h('p', {}, h('a', {href: '#/schedules'}, '← All schedules')),
    h('h1', {}, 'Schedule ', h('span', {class: 'mono', id: 'schedule-id'}, s.id), ' ', h('span', {class: 'badge ' + s.status, id: 'status'}, s.status)),
    s.status === 'paused' && s.paused_note ? h('p', {id: 'paused-note'}, 'Paused: ' + s.paused_note) : null,
    actions,
    h('div', {class: 'columns'},
      h('section', {'aria-labelledby': 'spec-title'}, h('h2', {id: 'spec-title'}, 'Specification'), specList(s)),
      h('section', {'aria-labelledby': 'next-title'}, h('h2', {id: 'next-title'}, 'Next 10 fire times'), fireTable(preview))),
    h('section', {'aria-labelledby': 'chart-title'}, h('h2', {id: 'chart-title'}, 'Recent runs: lag and outcome'), runsChart(runs)),
    h('section', {'aria-labelledby': 'runs-title'}, h('h2', {id: 'runs-title'}, 'Runs'),
      h('p', {}, h('button', {type: 'button', class: 'secondary', id: 'refresh', onclick: () => navigate('#/schedule/' + encodeURIComponent(id))}, 'Refresh')),
      runsTable(runs)));
}
