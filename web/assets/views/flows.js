/**
 * Flows: the list with activate/deactivate, and an editor for a flow's JSON (typed or loaded
 * from a file) that shows the schema problems and lint results with the node each one is in.
 */
import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { time } from '../format.js';

const EMPTY_DEFINITION = { nodes: [{ id: 'start', type: 'start', data: {} }], edges: [] };

export function createFlowsPage({ root }) {
  const listArea = h('section', { class: 'flow-list', 'aria-labelledby': 'flows-title' });
  const editorArea = h('section', { class: 'flow-editor card', 'aria-labelledby': 'editor-title' });
  const status = h('p', { class: 'form-error', role: 'alert' });
  root.replaceChildren(h('div', { class: 'flows' }, listArea, editorArea));

  let flows = [];
  let editing = null;
  /** Whether the editor holds edits not saved yet (set by each editor shown). */
  let hasUnsavedEdits = () => false;

  async function load() {
    ({ flows } = await api('GET', '/flows'));
    renderList();
  }

  function renderList() {
    fill(
      listArea,
      h('div', { class: 'section-head' }, h('h2', { id: 'flows-title' }, 'Flows'), h('button', { type: 'button', onclick: () => edit(null) }, 'New flow')),
      status,
      flows.length === 0
        ? h('p', { class: 'empty' }, 'No flows yet.')
        : h(
            'table',
            { class: 'flow-table' },
            h('caption', { class: 'visually-hidden' }, 'Your flows'),
            h('thead', {}, h('tr', {}, ['Name', 'Trigger', 'Status', 'Version', 'Updated', 'Actions'].map((title) => h('th', { scope: 'col' }, title)))),
            h('tbody', {}, flows.map(row)),
          ),
    );
  }

  function row(flow) {
    const active = flow.status === 'Active';
    return h(
      'tr',
      { 'data-flow-id': flow.id },
      h('th', { scope: 'row' }, flow.name),
      h('td', {}, h('code', {}, flow.trigger)),
      h('td', {}, h('span', { class: `chip flow-${flow.status.toLowerCase()}` }, flow.status)),
      h('td', {}, String(flow.version)),
      h('td', {}, time(flow.updatedAt)),
      h(
        'td',
        { class: 'row-actions' },
        h('button', { type: 'button', onclick: () => edit(flow.id), 'aria-label': `Edit ${flow.name}` }, 'Edit'),
        h(
          'button',
          { type: 'button', onclick: () => setStatus(flow, active ? 'Inactive' : 'Active'), 'aria-label': `${active ? 'Deactivate' : 'Activate'} ${flow.name}` },
          active ? 'Deactivate' : 'Activate',
        ),
      ),
    );
  }

  // An editor with unsaved edits is never replaced unasked: the list's alert tells what happened.
  async function setStatus(flow, next) {
    status.textContent = '';
    try {
      const saved = await api('PATCH', `/flows/${encodeURIComponent(flow.id)}`, { status: next });
      await load();
      if (editing === flow.id && !hasUnsavedEdits()) showEditor(saved);
    } catch (failure) {
      status.textContent = `${flow.name}: ${failure.message}`;
      await showRefusal(flow, failure);
    }
  }

  /** The flow whose change was refused, with the reasons by node; without it if it cannot be read. */
  async function showRefusal(flow, failure) {
    const current = await api('GET', `/flows/${encodeURIComponent(flow.id)}`).catch(() => null);
    if (current && !hasUnsavedEdits()) showEditor(current, failure);
  }

  async function edit(flowId) {
    if (hasUnsavedEdits() && !confirm('Discard the edits not saved yet?')) return;
    editing = flowId;
    try {
      showEditor(flowId ? await api('GET', `/flows/${encodeURIComponent(flowId)}`) : null);
    } catch (failure) {
      status.textContent = failure.message;
    }
  }

  function showEditor(flow, failure) {
    editing = flow?.id ?? null;
    const name = h('input', { id: 'flow-name', name: 'name', required: true, value: flow?.name ?? '' });
    const trigger = h('input', { id: 'flow-trigger', name: 'trigger', required: true, value: flow?.trigger ?? '', 'aria-describedby': 'trigger-help' });
    const definition = h('textarea', { id: 'flow-definition', name: 'definition', rows: '18', spellcheck: 'false', class: 'code' });
    definition.value = JSON.stringify(flow?.definition ?? EMPTY_DEFINITION, null, 2);
    const file = h('input', { id: 'flow-file', type: 'file', accept: 'application/json,.json' });
    const results = h('div', { class: 'lint-results', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'primary' }, flow ? 'Save' : 'Create draft');
    const form = h(
      'form',
      { onsubmit: (event) => save(event) },
      h('h2', { id: 'editor-title' }, flow ? `Edit “${flow.name}”` : 'New flow'),
      h('label', { for: 'flow-name' }, 'Name'),
      name,
      h('label', { for: 'flow-trigger' }, 'Trigger'),
      trigger,
      h('p', { class: 'hint', id: 'trigger-help' }, 'A keyword, or "default" for every message.'),
      h('label', { for: 'flow-file' }, 'Load a JSON file'),
      file,
      h('label', { for: 'flow-definition' }, 'Definition (JSON)'),
      definition,
      h('div', { class: 'actions' }, submit),
      results,
    );
    const values = () => JSON.stringify([name.value, trigger.value, definition.value]);
    const shownValues = values();
    hasUnsavedEdits = () => values() !== shownValues;
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      const loaded = parseJson(await chosen.text());
      if (!loaded.ok) return showResults(results, { message: `The file is not JSON: ${loaded.error}` });
      // A whole flow file ({ name, trigger, definition }) or just a definition.
      const value = loaded.value;
      const isFlow = value && typeof value === 'object' && 'definition' in value;
      if (isFlow && value.name && !name.value) name.value = value.name;
      if (isFlow && value.trigger && !trigger.value) trigger.value = value.trigger;
      definition.value = JSON.stringify(isFlow ? value.definition : value, null, 2);
    });

    async function save(event) {
      event.preventDefault();
      const parsed = parseJson(definition.value);
      if (!parsed.ok) return showResults(results, { message: `The definition is not JSON: ${parsed.error}` });
      const body = { name: name.value.trim(), trigger: trigger.value.trim(), definition: parsed.value };
      // A second click while the first is on its way would create a second draft.
      submit.disabled = true;
      try {
        const saved = flow ? await api('PUT', `/flows/${encodeURIComponent(flow.id)}`, body) : await api('POST', '/flows', { ...body, status: 'Draft' });
        await load();
        showEditor(saved);
      } catch (failure) {
        showResults(results, failure);
      } finally {
        submit.disabled = false;
      }
    }

    fill(editorArea, form);
    if (failure) showResults(results, failure);
    else if (flow?.lint) showResults(results, null, flow.lint);
  }

  return { ready: load(), destroy() {} };
}

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

/** An error (with its listed problems) or a lint report. */
function showResults(root, failure, lint) {
  const problems = failure ? (Array.isArray(failure.details) ? failure.details : []) : lint.errors;
  const warnings = failure ? [] : lint.warnings;
  const heading = failure ? failure.message : problems.length === 0 ? 'No lint errors: this flow can be activated.' : 'Lint errors: fix these to activate the flow.';
  fill(
    root,
    h('p', { class: failure || problems.length > 0 ? 'result-bad' : 'result-good' }, heading),
    issueList('Errors', problems),
    issueList('Warnings', warnings),
  );
}

function issueList(title, issues) {
  if (issues.length === 0) return null;
  return h(
    'div',
    {},
    h('h3', {}, `${title} (${issues.length})`),
    h(
      'ul',
      { class: 'issues' },
      issues.map((issue) =>
        h(
          'li',
          {},
          issue.nodeId ? h('code', { class: 'node-id' }, issue.nodeId) : null,
          issue.edgeId ? h('code', { class: 'node-id' }, `edge ${issue.edgeId}`) : null,
          issue.code ? h('span', { class: 'issue-code' }, issue.code) : null,
          issue.path ? h('span', { class: 'issue-code' }, issue.path) : null,
          h('span', {}, issue.message),
        ),
      ),
    ),
  );
}
