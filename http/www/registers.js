// registers.js: the registers in display order with their id prefixes
// (reglist.js, which the build makes from the server's common/reglist.h),
// the roles by rank, and what a register's description (GET
// /v1/describe/REG) says about sign-offs.
import { api } from './api.js';
import { REGISTERS } from './reglist.js';

export { REGISTERS };
const NAMES = new Set(REGISTERS.map(([n]) => n));

export function isRegister(name) {
  return NAMES.has(name);
}

// The register of a record id: by prefix; Annex A controls ("A.5.1") and
// the clauses ("4.1") are the catalog's own ids.
export function registerOf(id) {
  if (/^A\.\d/.test(id)) return 'control';
  if (/^\d+(\.\d+)*$/.test(id)) return 'requirement';
  const prefix = id.replace(/-[^-]*$/, '');
  const hit = REGISTERS.find(([, p]) => p === prefix);
  return hit ? hit[0] : null;
}

// Roles by rank (AccessRole): ingest only creates incidents.
const RANK = { viewer: 1, auditor: 2, editor: 3, admin: 4, ingest: 0 };
export function atLeast(role, least) {
  return (RANK[role] || 0) >= RANK[least];
}

// Record fields the header carries (top level of the JSON); the rest of
// a body goes under the register's name.
export const HEADER_FIELDS = new Set([
  'title', 'owner', 'tags', 'review_interval_days', 'external_ref',
]);
// Header fields the server writes.
export const SERVER_FIELDS = new Set([
  'id', 'rev', 'created_at', 'created_by', 'updated_at', 'updated_by',
  'next_review_on', 'last_reviewed_at', 'archived', 'archived_at',
  'archived_by', 'links',
]);

const described = new Map();
// describe(reg): the register's RegisterInfo, asked once per page load.
export function describe(reg) {
  if (!described.has(reg)) {
    const p = api('GET', '/v1/describe/' + encodeURIComponent(reg)).then((r) => r.data);
    p.catch(() => described.delete(reg));
    described.set(reg, p);
  }
  return described.get(reg);
}

// The states from which the register's sign-off verb may be given: those
// that can move to a state the verb enters.
export function signoffStates(info) {
  if (!info || !info.signoff_verb) return new Set();
  const entered = new Set((info.states || []).filter((s) => s.signed_by === info.signoff_verb).map((s) => s.status));
  return new Set((info.states || []).filter((s) => (s.moves_to || []).some((m) => entered.has(m))).map((s) => s.status));
}

// The paths the server writes in this register: derived fields and the
// sign-off's field, under the register's name.
export function serverPaths(reg, info) {
  const out = new Set();
  for (const d of (info && info.derived) || []) out.add(reg + '.' + d);
  if (info && info.signoff_field) out.add(reg + '.' + info.signoff_field);
  return out;
}

// A verb as a button says it: "accept" → "Accept".
export function verbLabel(verb) {
  return verb ? verb.charAt(0).toUpperCase() + verb.slice(1) : '';
}
