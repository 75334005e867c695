// Calls from the terminal application to its own node's terminal API (same origin), with typed answers and errors.

/** What GET /api/status answers (src/servers/common/terminal-server.ts). */
export interface NodeStatus {
  readonly nodeId: string;
  readonly role: 'national' | 'prefecture' | 'municipality' | 'agency';
  readonly name: string;
  readonly ready: boolean;
  readonly queue: Readonly<Record<string, { readonly queued: number; readonly state: string }>>;
  readonly directoryIssuedAt: string;
}

/** A refusal or failure from the API, with the catalogue code when the server gave one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** GETs `path` and returns its JSON; throws ApiError for a non-2xx answer or when the server cannot be reached. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, undefined, 'サーバに接続できません');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } } | undefined;
    throw new ApiError(
      response.status,
      body?.error?.code,
      body?.error?.message ?? `サーバがエラーを返しました (${response.status})`,
    );
  }
  return (await response.json()) as T;
}
