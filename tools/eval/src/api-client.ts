/** Just enough of a client for the public HTTP API: JSON in and out, a bearer token, errors that say what came back. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async post<T>(path: string, body: unknown, expected: number[]): Promise<T> {
    return this.call<T>('POST', path, body, expected);
  }

  async get<T>(path: string, expected: number[]): Promise<T> {
    return this.call<T>('GET', path, undefined, expected);
  }

  private async call<T>(method: string, path: string, body: unknown, expected: number[]): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
