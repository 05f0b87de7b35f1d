// Builds the DOM from data without ever parsing it as HTML: text goes through text nodes only.
const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** h('a', {href: '#/x'}, 'text', child...) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function replace(target, ...children) {
  target.replaceChildren();
  return build(target, {}, children);
}

/** A labelled form field with a place for its error, tied together for screen readers. */
export function field(name, labelText, control, hint) {
  const id = 'f-' + name.replace(/[^a-z0-9]+/gi, '-');
  control.id = id;
  control.name = name;
  control.dataset.field = name;
  const described = [];
  let hintNode = null;
  if (hint) {
    hintNode = h('p', {class: 'hint', id: id + '-hint'}, hint);
    described.push(hintNode.id);
  }
  const error = h('p', {class: 'error', id: id + '-error', 'data-error-for': name});
  described.push(error.id);
  control.setAttribute('aria-describedby', described.join(' '));
  return h('div', {class: 'field'}, h('label', {for: id}, labelText), control, hintNode, error);
}

export function select(options, value) {
  const element = h('select', {});
  for (const [optionValue, text] of options) {
    element.append(h('option', {value: optionValue, selected: optionValue === value}, text));
  }
  return element;
}

/** Asks a yes/no question in a modal dialog (keyboard and screen-reader friendly); resolves to the answer. */
export function confirmDialog(title, text, confirmLabel, {withNote = false, danger = false} = {}) {
  return new Promise(resolve => {
    const note = withNote ? h('textarea', {id: 'dialog-note', maxlength: 500}) : null;
    const dialog = h('dialog', {'aria-labelledby': 'dialog-title'},
      h('h2', {id: 'dialog-title'}, title),
      h('p', {}, text),
      withNote ? h('div', {class: 'field'}, h('label', {for: 'dialog-note'}, 'Note (optional)'), note) : null,
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: danger ? 'danger' : '', id: 'dialog-confirm', onclick: () => close(true)}, confirmLabel),
        h('button', {type: 'button', class: 'secondary', id: 'dialog-cancel', onclick: () => close(false)}, 'Cancel')));
    function close(answer) {
      dialog.close();
      dialog.remove();
      resolve(answer ? {note: note ? note.value.trim() : null} : null);
    }
    dialog.addEventListener('cancel', () => { dialog.remove(); resolve(null); });
    document.body.append(dialog);
    dialog.showModal();
    (note || dialog.querySelector('#dialog-cancel')).focus();
  });
}
