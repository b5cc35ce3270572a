// The signed-in user's session ({ token, role, username }), kept in
// sessionStorage so that a reload stays signed in. Only this module changes
// it; the others ask through these functions.
const KEY = 'signage.session';
let current = JSON.parse(sessionStorage.getItem(KEY) || 'null');
let afterSignOut = () => {};

// The session, or null when no one is signed in.
export function session() {
  return current;
}

export function signIn(s) {
  current = s;
  sessionStorage.setItem(KEY, JSON.stringify(current));
}

// Forgets the session, then runs what the shell gave onSignOut (it shows
// the sign-in form again).
export function signOut() {
  current = null;
  sessionStorage.removeItem(KEY);
  afterSignOut();
}

// A request made with `token` was refused as unauthorised: that session is
// over. A newer session (signed in while the request was on its way) stays.
export function expired(token) {
  if (current && current.token === token) signOut();
  return !current;
}

export function onSignOut(then) {
  afterSignOut = then;
}

export function authHeaders() {
  return current ? { Authorization: 'Bearer ' + current.token } : {};
}

// An admin can do everything; the others what their role names.
export function can(...roles) {
  return current && (current.role === 'admin' || roles.includes(current.role));
}

// A slide or question the signed-in user wrote or last changed: they may not
// review it themselves.
export function isOwn(x) {
  return x.author === current.username || x.updated_by === current.username;
}
