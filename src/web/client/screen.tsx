// Pieces every screen uses: a titled section whose heading takes the focus when it opens (so a screen reader and the
// keyboard start at its top), an announced error, an announced progress or success message, and the labels.

import { useEffect, useRef, type ReactNode } from 'react';
import { terminalFunctionLabel, type TerminalFunction } from '../../domain/index.js';

export function Screen({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="screen-heading">
      <h1 id="screen-heading" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

/** An error, read out as soon as it appears. */
export function ErrorAlert({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

/** Progress or success, read out politely. */
export function StatusMessage({ message }: { message: string | undefined }) {
  return (
    <p role="status" className="notice">
      {message ?? ''}
    </p>
  );
}

const SESSION_FUNCTION_LABELS: Readonly<Record<string, string>> = {
  'login-password': 'ログイン（パスワード）',
  login: 'ログイン（セキュリティキー）',
  logout: 'ログアウト',
};

export function functionLabel(fn: string): string {
  return (
    SESSION_FUNCTION_LABELS[fn] ??
    (fn in terminalFunctionLabel ? terminalFunctionLabel[fn as TerminalFunction] : fn)
  );
}

export const ACCESS_LABELS: Readonly<Record<string, string>> = {
  read: '参照',
  write: '更新',
  execute: '実行',
};
export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  ok: '成功',
  refused: '拒否',
  failed: '失敗',
};

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'medium' });
}
