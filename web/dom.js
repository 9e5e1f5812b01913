// Small DOM helpers. Text only, never HTML: data from the server is set with textContent and
// attributes, so it cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

export const $ = (id) => document.getElementById(id);

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `attrs`, `title`, `hidden`, `on`
 * (event handlers); `children`: nodes, strings (as text) or null/false (skipped).
 */
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  applyProps(node, props);
  append(node, children);
  return node;
}

/** Creates an SVG element with the given attributes; `text` sets its text content. */
export function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'text') node.textContent = String(value);
    else if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function applyProps(node, props) {
  if (props.class) node.className = props.class;
  if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
  if (props.title) node.title = props.title;
  if (props.hidden) node.hidden = true;
  for (const [k, v] of Object.entries(props.dataset || {})) {
    if (v !== null && v !== undefined) node.dataset[k] = String(v);
  }
  for (const [k, v] of Object.entries(props.attrs || {})) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [event, handler] of Object.entries(props.on || {})) node.addEventListener(event, handler);
}

function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A coloured pill; `stateName` picks the colour (see style.css `.pill[data-state]`). */
export function pill(text, stateName, props = {}) {
  return el('span', { ...props, class: `pill ${props.class || ''}`.trim(), text, dataset: { ...(props.dataset || {}), state: stateName } });
}

/** A titled block inside a card. */
export function block(title, children, extraClass = '') {
  return el('div', { class: `block ${extraClass}`.trim() }, [el('h3', { class: 'block-title', text: title }), ...children]);
}
