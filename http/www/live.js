// live.js: one EventSource on /v1/events for the whole page (the cookie
// goes with it, same origin). Each event is the JSON line `ismsctl watch
// -o json` prints; the server names its type in "event:", so a listener
// is added per type. The last events are kept for the dashboard of those
// who may not read the journal.
const TYPES = [
  'created', 'updated', 'archived', 'unarchived', 'linked', 'unlinked',
  'reviewed', 'signed', 'method_changed', 'catalog_loaded', 'review_due',
  'review_overdue', 'action_due', 'action_overdue', 'incident_ingested',
  'user_changed', 'token_changed', 'measured', 'event', 'message',
];
const KEEP = 20;

let source = null;
let handler = null;
// The newest events first, at most KEEP.
export const recent = [];

// start(onEvent): opens the stream once; onEvent(event) for each.
export function start(onEvent) {
  handler = onEvent;
  if (source && source.readyState !== EventSource.CLOSED) return;
  source = new EventSource('/v1/events');
  for (const t of TYPES) source.addEventListener(t, receive);
}

// stop(): closes the stream (sign-out, session ended).
export function stop() {
  if (source) source.close();
  source = null;
  recent.length = 0;
}

function receive(msg) {
  let ev;
  try {
    ev = JSON.parse(msg.data);
  } catch {
    return;
  }
  recent.unshift(ev);
  if (recent.length > KEEP) recent.length = KEEP;
  if (handler) handler(ev);
}
