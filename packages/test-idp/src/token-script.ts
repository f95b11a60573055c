/** A response the IdP gives instead of the real provider's. */
export interface ScriptedResponse {
  status: number;
  /** Objects are sent as JSON; strings are sent as they are. */
  body: unknown;
  /** Defaults to application/json for objects and text/plain for strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** Which requests a scripted response answers; an omitted field matches any request. */
export interface ScriptFilter {
  /** Path of the request, e.g. `/token` or `/device/auth`. @default '/token' */
  path?: string;
  grantType?: string;
  clientId?: string;
}

export interface ResponseScriptControl {
  /**
   * Answers the next matching requests (the token endpoint unless `filter.path` says
   * otherwise) from `queue`, in order, then lets the real provider answer again. Calls
   * append to what is already queued. Scripted requests are still logged in `requests`.
   */
  tokenResponses(queue: ScriptedResponse[], filter?: ScriptFilter): void;
  /** How many scripted responses have not been used yet. */
  pending(): number;
  clear(): void;
}

interface QueuedResponse {
  response: ScriptedResponse;
  filter: Required<Pick<ScriptFilter, 'path'>> & ScriptFilter;
}

export class ResponseScript implements ResponseScriptControl {
  readonly #queue: QueuedResponse[] = [];

  tokenResponses(queue: ScriptedResponse[], filter: ScriptFilter = {}): void {
    for (const response of queue) this.#queue.push({ response, filter: { path: '/token', ...filter } });
  }

  pending(): number {
    return this.#queue.length;
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** Removes and returns the first queued response whose filter matches this request. */
  take(request: { path: string; grantType?: string; clientId?: string }): ScriptedResponse | undefined {
    const index = this.#queue.findIndex(
      ({ filter }) =>
        filter.path === request.path &&
        (filter.grantType === undefined || filter.grantType === request.grantType) &&
        (filter.clientId === undefined || filter.clientId === request.clientId),
    );
    if (index === -1) return undefined;
    return this.#queue.splice(index, 1)[0]?.response;
  }
}
