/** A bearer token and when it stops working. */
export interface Token {
  token: string;
  expiresAt: Date;
}

/** `expires_in` seconds from now; 1 h when the service did not say. */
export function expiresIn(seconds: unknown, now = Date.now()): Date {
  const n = typeof seconds === 'number' ? seconds : Number(seconds);
  return new Date(now + (Number.isFinite(n) && n > 0 ? n : 3600) * 1000);
}
