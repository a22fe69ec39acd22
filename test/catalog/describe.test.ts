import { describe, expect, it } from 'vitest';
import {
  COMPACT_LISTING_MAX_CHARS,
  compactListing,
  compactListingChars,
  describeModel,
  MODELS,
  modelsMarkdownTable,
  summarizeModel,
} from '../../src/catalog/index.js';
import { model } from './helpers.js';

describe('summarizeModel', () => {
  it('is compact and JSON-able', () => {
    const s = summarizeModel(model('hailuo-2.3-fast'));
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(Object.keys(s).sort()).toEqual(['aliases', 'aspect_ratios', 'durations', 'family', 'id', 'modes', 'offers', 'resolutions', 'title']);
    expect(s.modes).toEqual(['image-to-video']);
    expect(s.aliases).toEqual(expect.arrayContaining(['minimax/hailuo-2.3/fast', 'MiniMax-Hailuo-2.3-Fast']));
    expect(s.offers).toContainEqual({ provider: 'minimax', native_model: 'MiniMax-Hailuo-2.3-Fast', price_usd: { min: 0.19, max: 0.33 } });
    expect(s.offers).toContainEqual({ provider: 'simulator', native_model: 'hailuo-2.3-fast', price_usd: { min: 0, max: 0 } });
    expect(s.offers).toContainEqual({ provider: 'atlascloud', native_model: 'minimax/hailuo-2.3/fast', price_usd: 'unknown' });
  });

  it('converts Apiframe credits only with a rate', () => {
    const without = summarizeModel(model('hailuo-02')).offers.find((o) => o.provider === 'apiframe');
    const withRate = summarizeModel(model('hailuo-02'), { apiframeUsdPerCredit: 0.02 }).offers.find((o) => o.provider === 'apiframe');
    expect(without?.price_usd).toBe('unknown');
    expect(withRate?.price_usd).toEqual({ min: 0.1, max: 0.2 });
  });
});

describe('describeModel', () => {
  it("carries defaults, presence, rules with sources, and each offer's price table", () => {
    const d = describeModel(model('hailuo-02'));
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.defaults).toEqual({ duration_seconds: 6, output_resolution: '768p' });
    expect(d.presence.aspect_ratio).toBe('forbidden');
    expect(d.rules.map((r) => r.id)).toContain('hailuo-1080p-6s-only');
    for (const r of d.rules) expect(r.source).toBeTruthy();
    const std = d.offers.find((o) => o.native_model === 'hailuo-02-image-to-video-standard')!;
    expect(std.price.rows).toEqual([
      { duration_seconds: 6, output_resolution: '512p', usd: 0.12 },
      { duration_seconds: 6, output_resolution: '768p', usd: 0.3 },
      { duration_seconds: 10, output_resolution: '512p', usd: 0.2 },
      { duration_seconds: 10, output_resolution: '768p', usd: 0.5 },
    ]);
    expect(std.price.as_of).toBe('2026-07-28');
    const fast = d.offers.find((o) => o.native_model === 'minimax/hailuo-02/fast')!;
    expect(fast.price.rows).toEqual([
      { duration_seconds: 6, output_resolution: '512p', usd: 0.1 },
      { duration_seconds: 10, output_resolution: '512p', usd: 'unknown' },
    ]);
    const apiframe = d.offers.find((o) => o.provider === 'apiframe')!;
    expect(apiframe.price.rows).toContainEqual({ duration_seconds: 10, output_resolution: '768p', usd: 'unknown', credits: 8 });
    expect(apiframe.price.note).toContain('APIFRAME_USD_PER_CREDIT');
    // 10 s at 1080p is never in a price table: no offer serves it.
    for (const o of d.offers) expect(o.price.rows.some((r) => r.duration_seconds === 10 && r.output_resolution === '1080p')).toBe(false);
  });

  it('prices Apiframe in USD with a rate, and Runway per second', () => {
    const d = describeModel(model('runway-gen4-turbo'), { apiframeUsdPerCredit: 0.01 });
    const af = d.offers.find((o) => o.provider === 'apiframe')!;
    expect(af.price.rows).toEqual([
      { duration_seconds: 5, output_resolution: '720p', usd: 0.08, credits: 8 },
      { duration_seconds: 10, output_resolution: '720p', usd: 0.15, credits: 15 },
    ]);
    const rw = d.offers.find((o) => o.provider === 'runway')!;
    expect(rw.price.kind).toBe('per_second');
    expect(rw.price.usd_per_second).toBe(0.05);
    expect(rw.price.credits_per_second).toBe(5);
    expect(rw.price.rows).toHaveLength(9);
    expect(rw.price.rows[0]).toEqual({ duration_seconds: 2, output_resolution: '720p', usd: 0.1 });
  });

  it('works for every model', () => {
    for (const m of MODELS) {
      const d = describeModel(m);
      expect(d.id).toBe(m.id);
      expect(d.offers).toHaveLength(m.offers.length);
      expect(d.typical_seconds).toBe(m.typical_seconds);
    }
  });
});

describe('modelsMarkdownTable', () => {
  const table = modelsMarkdownTable();
  it('mentions every model id and every real provider slug', () => {
    for (const m of MODELS) {
      expect(table).toContain(`\`${m.id}\``);
      for (const o of m.offers) if (o.provider !== 'simulator') expect(table).toContain(`\`${o.native_model}\``);
    }
  });
  it('is a Markdown table with one row per model', () => {
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| Model \| Modes \|/);
    expect(lines).toHaveLength(MODELS.length + 2);
    for (const l of lines) expect(l.startsWith('|') && l.endsWith('|')).toBe(true);
    const cols = lines[0]!.split(' | ').length;
    for (const l of lines.slice(2)) expect(l.replace(/\\\|/g, '').split(' | ').length).toBe(cols);
  });
  it('shows real price ranges and marks unverified ones', () => {
    const row = (id: string) => table.split('\n').find((l) => l.startsWith(`| \`${id}\` `))!;
    expect(row('hailuo-02')).toContain('$0.10–$0.57');
    expect(row('hailuo-02')).toContain('MiniMax ≈$0.10–$0.56 (unverified)');
    expect(row('runway')).toContain('$0.12–$0.30');
    expect(row('runway-aleph')).toContain('$1.10');
  });
});

describe('compactListing (the text of list_models {})', () => {
  // Hermes Agent reads only the first 1,500 characters. Worst case: every provider usable (a `*` on each)
  // and an Apiframe credit rate (more prices known). A model added to the catalog that no longer fits fails here.
  const worst = compactListing(MODELS, () => true, { apiframeUsdPerCredit: 0.02 });

  it(`fits every model line in the first ${COMPACT_LISTING_MAX_CHARS} characters with every provider usable`, () => {
    expect(compactListingChars(worst)).toBeLessThanOrEqual(COMPACT_LISTING_MAX_CHARS);
    expect(worst.lines).toHaveLength(MODELS.length);
  });

  it('gives each model its id, modes, durations, resolutions, ratios (or a named set defined in the header), price and providers', () => {
    const head = worst.header.join('\n');
    for (const [i, m] of MODELS.entries()) {
      const cells = worst.lines[i]!.split('|');
      expect(cells, worst.lines[i]).toHaveLength(7);
      const [id, modes, durations, resolutions, ratios, price, providers] = cells as [string, string, string, string, string, string, string];
      expect(id).toBe(m.id);
      expect(modes.split(',')).toHaveLength(m.modes.length);
      if (m.params.durations.length) expect(durations).toContain(`${m.params.durations.at(-1)}s`);
      expect(resolutions.split(',')).toEqual(m.params.resolutions.length ? [...m.params.resolutions] : ['—']);
      const simple = m.params.aspect_ratios.filter((r) => !/^\d{3,}:\d{3,}$/.test(r));
      const shown = /^R\d+$/.test(ratios) ? new RegExp(`${ratios}=([^;.]+)`).exec(head)![1]!.split(',') : ratios === '—' ? [] : ratios.split(',');
      expect(shown.sort()).toEqual([...simple].sort());
      expect(price).toMatch(/^(≈?\$\d|\$\?$)/);
      const real = new Set(
        m.offers
          .filter((o) => !o.unreleased)
          .map((o) => o.provider)
          .filter((p) => p !== 'simulator'),
      );
      expect(providers.split(',')).toHaveLength(real.size);
      for (const p of providers.split(',')) expect(head).toContain(`${p.replace('*', '')}=`);
    }
  });
});
