// Elements built from text only: what the dashboard shows of requests never becomes HTML.
import { describeError } from './api.js';

// Elements are built with textContent only: journal entries are client input and never become HTML.

/**
 * @example el('td', { className: 'num' }, '12')
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

export const $ = (selector) => document.querySelector(selector);

let noticeTimer;

/** A one-line message under the tabs; errors stay until the next message. */
export function notify(text, kind = 'info') {
  const notice = $('#notice');
  notice.textContent = text;
  notice.className = `notice ${kind === 'error' ? 'error' : ''}`;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => (notice.textContent = ''), 6000);
}

/** Wraps an event handler so a refusal or a failure shows as a message, never as an uncaught error. */
export function act(handler) {
  return async (...args) => {
    try {
      await handler(...args);
    } catch (error) {
      if (error?.status === 401) return; // the token form is showing, with its own message
      notify(describeError(error), 'error');
    }
  };
}
