/**
 * An express-session store that keeps each session as a JSON string, as Redis or PostgreSQL stores do:
 * nothing survives between requests but what JSON can carry (no live objects, no functions, no prototypes).
 */
import session from 'express-session';

export class JSONSessionStore extends session.Store {
  readonly saved = new Map<string, string>();

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    const text = this.saved.get(sid);
    callback(null, text === undefined ? null : (JSON.parse(text) as session.SessionData));
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.saved.set(sid, JSON.stringify(data));
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.saved.delete(sid);
    callback?.();
  }
}
