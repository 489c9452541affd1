import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sent on every response: players on other origins (and MSE demo pages) fetch streams and stats. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Type',
};

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

export function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
): void {
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** JSON error body shared by every route: `{ error, ...details }`. */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  details: Record<string, unknown> = {},
): void {
  sendJson(req, res, status, { error, ...details });
}

export function sendMethodNotAllowed(
  req: IncomingMessage,
  res: ServerResponse,
  allow: string,
): void {
  res.setHeader('Allow', allow);
  sendError(req, res, 405, `method ${req.method ?? '?'} not allowed; use ${allow}`);
}

/** CORS preflight answer for every route. */
export function sendPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'Access-Control-Allow-Methods': 'GET, HEAD, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': '*',
    'Access-Control-Max-Age': '86400',
  });
  res.end();
}
