import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChild } from '../src/log.js';

/** A pino logger at `level` writing its JSON lines into an array. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const parent = pino({ level }, stream);
  let children = 0;
  const child = parent.child;
  // Children inherit this method (pino's children are made with Object.create): `this` is whoever is asked.
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    children += 1;
    return child.apply(this, args);
  } as typeof parent.child;
  return { parent, lines, children: () => children };
}

describe('lazyChild (the per-request logger)', () => {
  it('logs with its bindings at an enabled level, making the child once', () => {
    const { parent, lines, children } = capture('info');
    const log = lazyChild(parent, { requestId: 'r-1' });
    log.info({ status: 200 }, 'request');
    log.warn('slow');
    expect(lines.map((l) => [l.requestId, l.msg])).toEqual([
      ['r-1', 'request'],
      ['r-1', 'slow'],
    ]);
    expect(lines[0].status).toBe(200);
    expect(children()).toBe(1);
  });

  it('makes no child for levels that are off, and answers the parent level', () => {
    const { parent, lines, children } = capture('warn');
    const log = lazyChild(parent, { requestId: 'r-2' });
    log.info('ignored');
    log.debug('ignored');
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.level).toBe('warn');
    expect(lines).toEqual([]);
    expect(children()).toBe(0);
    log.error(new Error('boom'), 'failed');
    expect(lines[0]).toMatchObject({ requestId: 'r-2', msg: 'failed' });
    expect(children()).toBe(1);
  });

  it('children of it carry both bindings', () => {
    const { parent, lines } = capture('info');
    lazyChild(parent, { requestId: 'r-3' }).child({ job: 'mail' }).info('sent');
    expect(lines[0]).toMatchObject({ requestId: 'r-3', job: 'mail', msg: 'sent' });
  });
});
