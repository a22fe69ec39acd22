/**
 * Drift test: every Runway model id and body field this server sends, checked against the types the
 * pinned `@runwayml/sdk` (devDependency, exact version) publishes for `POST /v1/{image,text,video}_to_video`.
 *
 * The SDK's `resources/*.d.ts` are parsed with the TypeScript compiler: each `*CreateParams` union
 * member gives a model id, its properties (required or optional) and, where a property is a literal
 * union (`ratio`, `duration`, `resolution`, `promptExpansionMode`, `targetAspectRatio` …), its allowed
 * values. Then every body the adapter builds for every combination every Runway offer serves, with
 * each optional field the offer takes, must use a model id the SDK lists on that endpoint, only
 * properties that model has, all its required ones, and only listed literal values. An SDK upgrade
 * that retires a model (as 4.x did `gen4_aleph`) or renames a field fails here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MODELS, offerCombinations, type Offer, type VideoParams } from '../../src/catalog/index.js';
import { buildRunwayBody, type Endpoint } from '../../src/providers/runway.js';

const require = createRequire(import.meta.url);
// The package's `exports` hide package.json; its main entry sits at the package root.
const SDK_DIR = (() => {
  let dir = path.dirname(require.resolve('@runwayml/sdk'));
  while (!dir.endsWith(path.join('@runwayml', 'sdk'))) dir = path.dirname(dir);
  return dir;
})();
const SDK_VERSION = (JSON.parse(readFileSync(path.join(SDK_DIR, 'package.json'), 'utf8')) as { version: string }).version;

interface Prop {
  optional: boolean;
  /** Literal values when the type is a union of literals only. */
  literals?: (string | number)[];
  /** For `promptImage`-style arrays of `{uri, position}`: the allowed positions. */
  positions?: string[];
}
type ModelTypes = Map<string, Map<string, Prop>>;

function literalsOf(node: ts.TypeNode): (string | number)[] | undefined {
  const parts = ts.isUnionTypeNode(node) ? node.types : [node];
  const out: (string | number)[] = [];
  for (const t of parts) {
    if (!ts.isLiteralTypeNode(t)) return undefined;
    if (ts.isStringLiteral(t.literal)) out.push(t.literal.text);
    else if (ts.isNumericLiteral(t.literal)) out.push(Number(t.literal.text));
    else return undefined;
  }
  return out;
}

/** `<Endpoint>CreateParams.<Member>` interfaces → model id → properties. */
function parseCreateParams(file: string, namespace: string): ModelTypes {
  const src = ts.createSourceFile(file, readFileSync(path.join(SDK_DIR, 'resources', file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: ModelTypes = new Map();
  const visitNamespace = (ns: ts.ModuleDeclaration) => {
    const body = ns.body;
    if (!body || !ts.isModuleBlock(body)) return;
    // Nested namespaces (e.g. `Veo3_1.PromptImage`) hold the element types of array properties.
    const nested = new Map<string, ts.ModuleBlock>();
    for (const st of body.statements) if (ts.isModuleDeclaration(st) && st.body && ts.isModuleBlock(st.body)) nested.set(st.name.text, st.body);
    for (const st of body.statements) {
      if (!ts.isInterfaceDeclaration(st)) continue;
      const props = new Map<string, Prop>();
      let model: string | undefined;
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type || !ts.isIdentifier(m.name)) continue;
        const name = m.name.text;
        const prop: Prop = { optional: m.questionToken !== undefined };
        const lits = literalsOf(m.type);
        if (lits) prop.literals = lits;
        if (name === 'model' && lits?.length === 1) model = String(lits[0]);
        // `string | Array<X.PromptImage>`: read X.PromptImage's `position` union.
        const text = m.type.getText(src);
        const el = /Array<(\w+)\.(\w+)>/.exec(text);
        const block = el ? nested.get(el[1]!) : undefined;
        const iface = block?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === el![2]);
        const pos = iface?.members.find((x): x is ts.PropertySignature => ts.isPropertySignature(x) && ts.isIdentifier(x.name) && x.name.text === 'position');
        const posLits = pos?.type ? literalsOf(pos.type) : undefined;
        if (posLits) prop.positions = posLits.map(String);
        props.set(name, prop);
      }
      if (model) out.set(model, props);
    }
  };
  const walk = (n: ts.Node) => {
    if (ts.isModuleDeclaration(n) && n.name.text === namespace) visitNamespace(n);
    ts.forEachChild(n, walk);
  };
  walk(src);
  return out;
}

const SDK: Record<Endpoint, ModelTypes> = {
  image_to_video: parseCreateParams('image-to-video.d.ts', 'ImageToVideoCreateParams'),
  text_to_video: parseCreateParams('text-to-video.d.ts', 'TextToVideoCreateParams'),
  video_to_video: parseCreateParams('video-to-video.d.ts', 'VideoToVideoCreateParams'),
};

/** Problems with one body against the SDK's types; [] when it conforms. */
export function driftOf(endpoint: Endpoint, body: Record<string, unknown>): string[] {
  const model = String(body['model']);
  const types = SDK[endpoint].get(model);
  if (!types) return [`model "${model}" is not in @runwayml/sdk ${SDK_VERSION} ${endpoint} (it lists ${[...SDK[endpoint].keys()].join(', ')})`];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    const prop = types.get(k);
    if (!prop) {
      problems.push(`${model} on ${endpoint} has no field "${k}"`);
      continue;
    }
    if (prop.literals && !prop.literals.includes(v as string | number))
      problems.push(`${model}.${k} = ${JSON.stringify(v)} is not one of ${prop.literals.join(' | ')}`);
    if (prop.positions && Array.isArray(v))
      for (const item of v as { position?: string }[])
        if (item.position !== undefined && !prop.positions.includes(item.position))
          problems.push(`${model}.${k} position "${item.position}" is not one of ${prop.positions.join(' | ')}`);
  }
  for (const [k, prop] of types) if (!prop.optional && !(k in body)) problems.push(`${model} on ${endpoint} requires "${k}"`);
  return problems;
}

function endpointOf(o: Offer): Endpoint {
  return o.endpoint.replace('/v1/', '') as Endpoint;
}

/** The optional fields an offer maps, each set to a value a user might send. */
function withOptionals(o: Offer, p: VideoParams): VideoParams[] {
  const out: VideoParams[] = [p];
  const w = o.wire_fields;
  const all: VideoParams = { ...p };
  if (w.seed) all.seed = 4294967295;
  if (w.negative_prompt) all.negative_prompt = 'blurry';
  if (w.generate_audio) all.generate_audio = true;
  if (w.prompt_optimizer) {
    out.push({ ...all, prompt_optimizer: false });
    all.prompt_optimizer = true;
  }
  out.push(all);
  return out;
}

const RUNWAY_OFFERS = MODELS.flatMap((m) => m.offers.filter((o) => o.provider === 'runway').map((o) => ({ m, o })));

describe(`Runway request bodies against @runwayml/sdk ${SDK_VERSION}'s published types`, () => {
  it('the SDK types were found and parsed (a parse that finds nothing must not pass silently)', () => {
    expect(SDK.image_to_video.size).toBeGreaterThan(5);
    expect(SDK.text_to_video.size).toBeGreaterThan(5);
    expect(SDK.video_to_video.get('aleph2')?.get('videoUri')?.optional).toBe(false);
    expect(SDK.image_to_video.get('veo3.1')?.get('ratio')?.literals).toEqual(['1280:720', '720:1280', '1080:1920', '1920:1080']);
  });

  it('the pinned SDK is the version the catalog was checked against', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['@runwayml/sdk']).toBe(SDK_VERSION); // exact pin: an upgrade is a deliberate edit
  });

  it.each(RUNWAY_OFFERS.map(({ m, o }) => [`${m.id} → ${o.native_model} ${o.endpoint}`, m, o] as const))('%s', (_, m, o) => {
    const endpoint = endpointOf(o);
    expect(SDK[endpoint].has(o.native_model), `catalog model "${o.native_model}" is not in @runwayml/sdk ${SDK_VERSION} ${endpoint}`).toBe(true);
    const combos = offerCombinations(m, o);
    expect(combos.length).toBeGreaterThan(0);
    let checked = 0;
    for (const c of combos)
      for (const params of withOptionals(o, c.params)) {
        const body = buildRunwayBody(endpoint, o.native_model, params);
        expect(driftOf(endpoint, body), JSON.stringify(body)).toEqual([]);
        checked++;
      }
    expect(checked).toBeGreaterThan(0);
  });

  it('retired slugs the catalog maps to a successor are really gone from the SDK, and the successor is there', () => {
    for (const { o } of RUNWAY_OFFERS)
      for (const r of o.retired_aliases ?? []) {
        expect(SDK[endpointOf(o)].has(r.slug), `${r.slug} is still in the SDK`).toBe(false);
        expect(SDK[endpointOf(o)].has(o.native_model)).toBe(true);
      }
  });

  it('the check itself catches drift: an unknown id, an unknown field, a missing required field, a bad literal', () => {
    expect(driftOf('video_to_video', { model: 'gen4_aleph', videoUri: 'x', promptText: 'p' })[0]).toMatch(/"gen4_aleph" is not in @runwayml\/sdk/);
    expect(driftOf('video_to_video', { model: 'aleph2', videoUri: 'x', references: [] })).toEqual(['aleph2 on video_to_video has no field "references"']);
    expect(driftOf('text_to_video', { model: 'gen4.5', promptText: 'p', ratio: '1280:720' })).toEqual(['gen4.5 on text_to_video requires "duration"']);
    expect(driftOf('image_to_video', { model: 'veo3.1', promptImage: [{ uri: 'x', position: 'middle' }], ratio: '960:960' })).toEqual([
      'veo3.1.promptImage position "middle" is not one of first | last',
      'veo3.1.ratio = "960:960" is not one of 1280:720 | 720:1280 | 1080:1920 | 1920:1080',
    ]);
  });
});
