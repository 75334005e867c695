// Who is at the other end of a terminal request: the browser's terminal id (a cookie set on its first visit) with the
// remote address, the session cookie, and the custom header every state-changing request must carry (CSRF).
// docs/operators.md, "The terminal's API".

import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JukinetError } from '../../../shared/errors.js';
import type { Caller } from '../operators/index.js';

/** The browser's terminal id: random, long-lived, only ever sent to this node (`__Host-`: Secure, path /, no domain). */
export const TERMINAL_COOKIE = '__Host-jukinet-terminal';
/** The session token of the operator logged in at this browser; ends with the browser session. */
export const SESSION_COOKIE = '__Host-jukinet-session';
/** The header every state-changing request carries: a cross-site form cannot set it, and a cross-site fetch with it needs CORS, which the terminal never grants. */
export const TERMINAL_HEADER = 'x-jukinet-terminal';

/** 400 days, the longest a browser keeps a cookie. */
const TERMINAL_COOKIE_MAX_AGE = 400 * 24 * 60 * 60;
const TERMINAL_ID = /^[A-Za-z0-9_-]{22}$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const terminalIds = new WeakMap<FastifyRequest, string>();

/**
 * The onRequest hook of the API: gives a browser without a terminal id a new one (for this request too), and refuses
 * a state-changing request without the terminal header (JUKI_ERR_TERMINAL_HEADER).
 */
export function identifyTerminal(request: FastifyRequest, reply: FastifyReply): void {
  let id = readCookie(request, TERMINAL_COOKIE);
  if (id === undefined || !TERMINAL_ID.test(id)) {
    id = randomBytes(16).toString('base64url');
    appendCookie(reply, cookie(TERMINAL_COOKIE, id, { maxAge: TERMINAL_COOKIE_MAX_AGE }));
  }
  terminalIds.set(request, id);
  if (STATE_CHANGING.has(request.method) && request.headers[TERMINAL_HEADER] !== '1') {
    throw new JukinetError('JUKI_ERR_TERMINAL_HEADER', `${request.method} ${request.url.split('?')[0]}`);
  }
}

/**
 * The terminal name the operator service binds logins, enrolments and sessions to: the remote address and the
 * browser's terminal id, so a session token copied to another browser or another machine is refused.
 */
export function terminalOf(request: FastifyRequest): string {
  const id = terminalIds.get(request);
  if (id === undefined) throw new Error('identifyTerminal() did not run for this request');
  return `${request.ip} ${id}`;
}

/** The caller of a session route: the session cookie and the terminal (JUKI_ERR_SESSION_INVALID without a cookie). */
export function callerOf(request: FastifyRequest): Caller {
  const token = readCookie(request, SESSION_COOKIE);
  if (token === undefined || token === '') throw new JukinetError('JUKI_ERR_SESSION_INVALID', 'no session');
  return { token, terminal: terminalOf(request) };
}

/** Sets the session cookie: HttpOnly (no script reads it), Secure, SameSite=Strict, path /. */
export function setSessionCookie(reply: FastifyReply, token: string): void {
  appendCookie(reply, cookie(SESSION_COOKIE, token));
}

export function clearSessionCookie(reply: FastifyReply): void {
  appendCookie(reply, cookie(SESSION_COOKIE, '', { maxAge: 0 }));
}

function cookie(name: string, value: string, options: { maxAge?: number } = {}): string {
  const maxAge = options.maxAge === undefined ? '' : `; Max-Age=${options.maxAge}`;
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict${maxAge}`;
}

function appendCookie(reply: FastifyReply, value: string): void {
  // Fastify appends to an existing set-cookie header instead of replacing it.
  void reply.header('set-cookie', value);
}

/** One cookie's value from the Cookie header (RFC 6265 §5.4); the values here are base64url and need no decoding. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
