// The status line and navigation, shared by every page.
import {Problem, session} from './api.js';

let router = () => {};
let pending = '';

export function setRouter(route) {
  router = route;
}

export function flash(text, bad = false) {
  const element = document.getElementById('flash');
  element.className = bad ? 'bad' : '';
  element.textContent = text || '';
}

export function takePendingFlash() {
  const text = pending;
  pending = '';
  return text;
}

/** Goes to a page, showing {@code message} there once it is open. */
export function navigate(hash, message = '') {
  if (location.hash === hash) {
    flash(message);
    router();
  } else {
    pending = message;
    location.hash = hash;
  }
}

/** Shows a problem answer; a refused key signs out. */
export function showProblem(error) {
  if (error instanceof Problem && error.status === 401) {
    session.signOut();
    flash('Your Letta API key was not accepted; please sign in again.', true);
    router();
    return;
  }
  flash(error.message, true);
}
