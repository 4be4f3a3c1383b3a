import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout's rules, checked on every run (README "Layout"):
 * 1. imports go down only: core < db < access < modules < graphql < rest < app;
 * 2. files in modules/ other than `*schema.ts` import nothing from graphql/ or rest/;
 * 3. no import circle; two modules never import each other.
 * A module's `table.ts` is data definition and belongs to the db layer (db/schema.ts gathers the
 * tables; access/ reads them); a module's `*schema.ts` belongs to the graphql layer.
 */
const SRC = resolve(new URL('../src', import.meta.url).pathname);
const LAYERS = ['core', 'db', 'access', 'modules', 'graphql', 'rest', 'app'] as const;

function layerOf(file: string): (typeof LAYERS)[number] {
  if (file.startsWith('core/') || file === 'config.ts' || file === 'log.ts') return 'core';
  if (file.startsWith('db/') || /^modules\/[^/]+\/table\.ts$/.test(file)) return 'db';
  if (file.startsWith('access/')) return 'access';
  if (file.startsWith('modules/')) return /schema\.ts$/.test(file) ? 'graphql' : 'modules';
  if (file.startsWith('graphql/')) return 'graphql';
  if (file.startsWith('rest/')) return 'rest';
  return 'app';
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of every source file, as paths relative to src/ (type-only imports too). */
const graph = new Map(
  sources(SRC).map((path) => {
    const text = readFileSync(path, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
      relative(SRC, resolve(dirname(path), m[1])).replace(/\.js$/, '.ts'),
    );
    return [relative(SRC, path), targets] as const;
  }),
);
const moduleOf = (file: string) => (file.startsWith('modules/') ? file.split('/')[1] : null);

describe('the layout', () => {
  it('imports go down only (core < db < access < modules < graphql < rest < app)', () => {
    const up = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => LAYERS.indexOf(layerOf(t)) > LAYERS.indexOf(layerOf(file))).map((t) => `${file} (${layerOf(file)}) -> ${t} (${layerOf(t)})`),
    );
    expect(up).toEqual([]);
  });

  it('module files other than *schema.ts import nothing from graphql/ or rest/', () => {
    const bad = [...graph].flatMap(([file, targets]) =>
      file.startsWith('modules/') && !/schema\.ts$/.test(file)
        ? targets.filter((t) => t.startsWith('graphql/') || t.startsWith('rest/') || /^modules\/.*schema\.ts$/.test(t)).map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  /** Pairs of modules that import each other, allowed for now: none, and nothing may join. */
  const KNOWN_MUTUAL: string[] = [];

  it('two modules never import each other (beyond the known pairs, which may only shrink)', () => {
    const pairs = new Set<string>();
    for (const [file, targets] of graph) {
      for (const t of targets) {
        const [a, b] = [moduleOf(file), moduleOf(t)];
        if (a && b && a !== b && layerOf(t) !== 'db') pairs.add(`${a} -> ${b}`);
      }
    }
    const mutual = [...pairs].filter((p) => pairs.has(p.split(' -> ').reverse().join(' -> ')));
    expect(mutual.filter((p) => !KNOWN_MUTUAL.includes(p))).toEqual([]);
    // A pair that is gone must leave the list too, so it cannot come back unnoticed.
    expect(KNOWN_MUTUAL.filter((p) => !mutual.includes(p))).toEqual([]);
  });

  it('users/ imports no other module beyond its tables (a module extends User from its own folder)', () => {
    // README "Layout": builder.objectFields(UserRef, …) plus a loader given to users/extensions.ts.
    const bad = [...graph].flatMap(([file, targets]) =>
      moduleOf(file) === 'users'
        ? targets.filter((t) => /^modules\/[^/]+\//.test(t) && moduleOf(t) !== 'users' && layerOf(t) !== 'db').map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it('has no import circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const t of graph.get(file) ?? []) visit(t, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
