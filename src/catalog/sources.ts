/**
 * Where the catalog's facts come from. `providers.md` is /work/shared/reference/providers.md (researched
 * 2026-11); its tags name the upstream file or page. SEED-n are the public pages users read.
 */
export const SRC = {
  runapiContract: 'providers.md §1.3 (RunAPI request contract: runapi-ai/mcp data/contract.json @9e99875, runapi-ai/hailuo-sdk)',
  runapiGoPromptLimit: 'providers.md §1.3 (runapi-ai/hailuo-sdk Go help: prompt up to 1500 characters on 02, 5000 on 2.3)',
  runapiPricing: 'providers.md §1.8 (RunAPI customer prices: runapi-ai/mcp data/pricing.json @1ba42a5)',
  runapiPricingAsOf: '2026-07-28',
  seedHailuo: 'SEED-0/1 (runapi.ai/ko/hermes-hailuo, runapi.ai/zh-TW/hermes-hailuo: parameter table and FAQ)',
  seedRunway: 'SEED-3 (runapi.ai/ko/hermes-runway)',
  apiframeOas: 'providers.md §2.2 (Apiframe v2 openapi.json, apiframe-ai/apiframe-nodejs-sdk @9f9b464; docs-v2.apiframe.ai model pages)',
  apiframeAsOf: '2026-07-16',
  seedApiframe: 'SEED-2 (apiframe.ai/kr/models/hailuo-02)',
  atlas: 'providers.md §3.5 (AtlasCloudAI/atlascloud_comfyui hailuo nodes @12879ed; atlascloud.ai model pages)',
  atlasPrice: 'providers.md §3.5 and §6 (atlascloud.ai model pages; SEED-4 "0.1 per request")',
  atlasAsOf: '2026-11',
  minimax: 'providers.md §4.2 (MiniMax-AI/skills video guide, MiniMax-AI/cli, mirrors of platform.minimax.io docs)',
  minimaxMatrix: 'providers.md §4.6 (MiniMax model matrix)',
  minimaxAsOf: '2026-11',
  runway: 'providers.md §5.2 (@runwayml/sdk 3.24.0 and 4.20.1 request types; runwayml/skills rw-api-reference)',
  runwayPricing: 'providers.md §5.6 (runwayml/skills @c5674fd: credits per second; $0.01 per credit per §5.1)',
  runwayAsOf: '2026-04-21',
  seedInconsistencies: 'providers.md §7 (inconsistencies in the seed pages)',
} as const;
