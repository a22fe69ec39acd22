/**
 * The model catalog: models as data, and everything derived from them (name resolution, validation,
 * routing checks, prices, list_models views, the README table).
 */
export * from './types.js';
export { MODELS, getModel, resolveModel, requireModel, allAliases, type AliasEntry } from './registry.js';
export { RUNWAY_PIXEL_RATIOS } from './runway.js';
export { detectMode, validateParams, offerServes, VIDEO_PARAMS_SCHEMA } from './validate.js';
export { estimateUsd, estimateCredits, offerCombinations, priceTable, type PriceOptions, type OfferCombination } from './pricing.js';
export {
  summarizeModel,
  describeModel,
  modelsMarkdownTable,
  PROVIDER_LABELS,
  compactListing,
  compactListingChars,
  COMPACT_LISTING_MAX_CHARS,
  modelParamsText,
  modelView,
  MODE_SHORT,
} from './describe.js';
export { evaluate as evaluateCondition, violatedRules } from './rules.js';
