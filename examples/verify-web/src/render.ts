// Outcome -> DOM. Only textContent and attributes, never HTML strings: every
// value shown may come from the file being verified.
import type { Outcome, RowStatus } from './outcome.js';

const STATUS_TEXT: Record<RowStatus, string> = {
  pass: '✓ Pass',
  fail: '✗ Fail',
  'not-checked': '– Not checked',
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export interface ResultView {
  readonly section: HTMLElement;
  readonly verdict: HTMLElement;
  readonly facts: HTMLElement;
  readonly rows: HTMLTableSectionElement;
  readonly notes: HTMLElement;
}

export function renderOutcome(view: ResultView, outcome: Outcome): void {
  view.section.hidden = false;
  view.section.dataset.kind = outcome.kind;
  view.verdict.textContent = outcome.headline;
  view.verdict.dataset.verdict = outcome.verdict;

  view.facts.replaceChildren();
  for (const fact of outcome.facts) {
    const dt = el('dt', fact.label);
    const dd = el('dd', fact.mismatch ? `${fact.value} (does not match)` : fact.value);
    if (fact.mismatch) dd.className = 'mismatch';
    view.facts.append(dt, dd);
  }

  view.rows.replaceChildren();
  for (const row of outcome.rows) {
    const tr = el('tr');
    tr.dataset.check = row.id;
    tr.dataset.status = row.status;
    const name = el('th', row.label);
    name.scope = 'row';
    const id = el('code', row.id, 'check-id');
    name.append(el('br'), id);
    const status = el('td', STATUS_TEXT[row.status], `status ${row.status}`);
    status.dataset.label = 'Result';
    const reason = el('td', row.reason, 'reason');
    reason.dataset.label = 'Why';
    tr.append(name, status, reason);
    view.rows.append(tr);
  }

  view.notes.replaceChildren(...outcome.notes.map((n) => el('li', n)));
  view.notes.hidden = outcome.notes.length === 0;
}
