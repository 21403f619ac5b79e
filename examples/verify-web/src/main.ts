// The page: collects inputs (files, pasted text, drops), runs the matching
// verifier in this tab and shows its rows. Nothing here touches the network.
import { checkBundle } from './bundle-check.js';
import { formatBytes } from './bytes.js';
import { documentKind, roleOf } from './classify.js';
import { checkContract } from './contract-check.js';
import { KeyInputError, type KeyMaterial, parseKeyMaterial } from './keys.js';
import type { Outcome } from './outcome.js';
import { renderOutcome } from './render.js';
import './style.css';

interface Loaded {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const $ = <T extends HTMLElement>(id: string) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
};

const ui = {
  form: $<HTMLFormElement>('inputs'),
  docFile: $<HTMLInputElement>('doc-file'),
  docText: $<HTMLTextAreaElement>('doc-text'),
  docStatus: $('doc-status'),
  artifactFiles: $<HTMLInputElement>('artifact-files'),
  artifactStatus: $('artifact-status'),
  keyFile: $<HTMLInputElement>('key-file'),
  keyText: $<HTMLTextAreaElement>('key-text'),
  keyStatus: $('key-status'),
  shaFile: $<HTMLInputElement>('sha-file'),
  shaStatus: $('sha-status'),
  pin: $<HTMLInputElement>('pin'),
  verify: $<HTMLButtonElement>('verify'),
  clear: $<HTMLButtonElement>('clear'),
  error: $('form-error'),
  overlay: $('drop-overlay'),
  result: {
    section: $('result'),
    heading: $('result-h'),
    verdict: $('verdict'),
    facts: $('facts'),
    rows: $('checks').querySelector('tbody')!,
    notes: $('notes'),
  },
};

const state: {
  doc?: Loaded | undefined;
  key?: Loaded | undefined;
  sha?: Loaded | undefined;
  artifacts: Map<string, File>;
} = {
  artifacts: new Map(),
};
const encoder = new TextEncoder();
const SORT_LIMIT_BYTES = 8 * 1024 * 1024;

async function load(file: File): Promise<Loaded> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

function describeDoc(): void {
  const doc = currentDoc();
  if (!doc) {
    ui.docStatus.textContent = '';
    return;
  }
  const kind = documentKind(doc.bytes);
  const what =
    kind === 'contract' ? 'a product contract' : kind === 'bundle' ? 'an evidence bundle' : 'not recognised';
  ui.docStatus.textContent = `${doc.name} (${formatBytes(doc.bytes.length)}): ${what}`;
}

function describeArtifacts(): void {
  const names = [...state.artifacts.values()].map((f) => `${f.name} (${formatBytes(f.size)})`);
  ui.artifactStatus.textContent = names.length ? `${names.length} file(s): ${names.join(', ')}` : '';
}

function describeKey(): KeyMaterial | undefined {
  const key = currentKey();
  if (!key) {
    ui.keyStatus.textContent = '';
    ui.keyStatus.classList.remove('bad');
    return undefined;
  }
  try {
    const material = parseKeyMaterial(key.bytes);
    ui.keyStatus.textContent = `${key.name}: ${material.summary}`;
    ui.keyStatus.classList.remove('bad');
    return material;
  } catch (error) {
    ui.keyStatus.textContent = `${key.name}: ${(error as Error).message}`;
    ui.keyStatus.classList.add('bad');
    throw error;
  }
}

// Pasted text wins over a chosen file once typed; choosing a file clears the text.
function currentDoc(): Loaded | undefined {
  const text = ui.docText.value;
  if (text.trim()) return { name: 'pasted text', bytes: encoder.encode(text) };
  return state.doc;
}

function currentKey(): Loaded | undefined {
  const text = ui.keyText.value.trim();
  if (text) return { name: 'pasted key', bytes: encoder.encode(text) };
  return state.key;
}

async function run(): Promise<void> {
  ui.error.textContent = '';
  const doc = currentDoc();
  if (!doc) {
    ui.error.textContent = 'Give a product contract or an evidence bundle first (box 1).';
    ui.docFile.focus();
    return;
  }
  const kind = documentKind(doc.bytes);
  if (!kind) {
    ui.error.textContent = `${doc.name} is neither a product contract nor an evidence bundle (no member such as "exposure_layer" or "merkle_root").`;
    return;
  }
  let key: KeyMaterial | undefined;
  try {
    key = describeKey();
  } catch (error) {
    ui.error.textContent = `The public key could not be read, so nothing was verified: ${(error as Error).message}`;
    return;
  }
  ui.verify.disabled = true;
  ui.verify.textContent = 'Verifying…';
  ui.result.section.setAttribute('aria-busy', 'true');
  try {
    let outcome: Outcome;
    if (kind === 'contract') {
      const pin = ui.pin.value.trim();
      outcome = checkContract({
        contract: doc.bytes,
        ...(key ? { key } : {}),
        ...(state.sha ? { sha256File: state.sha.bytes } : {}),
        ...(pin ? { pin } : {}),
      });
      if (state.artifacts.size > 0) {
        const unused = `A contract has no artifact list, so these files were not used: ${[...state.artifacts.keys()].join(', ')}.`;
        outcome = { ...outcome, notes: [...outcome.notes, unused] };
      }
    } else {
      outcome = await checkBundle({ bundle: doc.bytes, artifacts: state.artifacts, ...(key ? { key } : {}) });
    }
    renderOutcome(ui.result, outcome);
    ui.result.heading.focus();
  } catch (error) {
    // The verifiers do not throw on bad input; reaching here is a bug, shown rather than swallowed.
    ui.error.textContent = `Verification could not complete: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    ui.result.section.removeAttribute('aria-busy');
    ui.verify.disabled = false;
    ui.verify.textContent = 'Verify';
  }
}

async function addFiles(files: readonly File[]): Promise<void> {
  for (const file of files) {
    // A big file is an artifact: it is hashed in chunks later, never read whole just to be sorted.
    if (file.size > SORT_LIMIT_BYTES) {
      state.artifacts.set(file.name, file);
      continue;
    }
    const loaded = await load(file);
    const role = roleOf(file.name, loaded.bytes);
    if (role === 'document') {
      state.doc = loaded;
      ui.docText.value = '';
    } else if (role === 'key') {
      state.key = loaded;
      ui.keyText.value = '';
    } else if (role === 'sha256') {
      state.sha = loaded;
      ui.shaStatus.textContent = `${file.name} (${formatBytes(file.size)})`;
    } else state.artifacts.set(file.name, file);
  }
  describeDoc();
  describeArtifacts();
  try {
    describeKey();
  } catch (error) {
    if (!(error instanceof KeyInputError)) throw error;
  }
}

ui.docFile.addEventListener('change', async () => {
  const file = ui.docFile.files?.[0];
  state.doc = file ? await load(file) : undefined;
  ui.docText.value = '';
  describeDoc();
});
ui.docText.addEventListener('input', describeDoc);
ui.artifactFiles.addEventListener('change', () => {
  state.artifacts = new Map([...(ui.artifactFiles.files ?? [])].map((f) => [f.name, f]));
  describeArtifacts();
});
ui.keyFile.addEventListener('change', async () => {
  const file = ui.keyFile.files?.[0];
  state.key = file ? await load(file) : undefined;
  ui.keyText.value = '';
  try {
    describeKey();
  } catch {
    // shown in the key's status line
  }
});
ui.keyText.addEventListener('input', () => {
  try {
    describeKey();
  } catch {
    // shown in the key's status line
  }
});
ui.shaFile.addEventListener('change', async () => {
  const file = ui.shaFile.files?.[0];
  state.sha = file ? await load(file) : undefined;
  ui.shaStatus.textContent = file ? `${file.name} (${formatBytes(file.size)})` : '';
});
ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
ui.clear.addEventListener('click', () => {
  ui.form.reset();
  state.doc = undefined;
  state.key = undefined;
  state.sha = undefined;
  state.artifacts = new Map();
  for (const s of [ui.docStatus, ui.artifactStatus, ui.keyStatus, ui.shaStatus, ui.error]) s.textContent = '';
  ui.result.section.hidden = true;
  ui.docFile.focus();
});

// Drop anywhere: files are sorted by what they are, then verified at once.
let dragDepth = 0;
document.addEventListener('dragenter', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) document.body.classList.remove('dragging');
});
document.addEventListener('dragover', (event) => event.preventDefault());
document.addEventListener('drop', async (event) => {
  event.preventDefault();
  dragDepth = 0;
  document.body.classList.remove('dragging');
  const files = [...(event.dataTransfer?.files ?? [])];
  if (files.length === 0) return;
  await addFiles(files);
  if (currentDoc()) await run();
});

// The page is ready for input: tests and people alike can start.
document.documentElement.dataset.ready = 'true';
