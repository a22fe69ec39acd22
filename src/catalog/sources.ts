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
  runway4:
    'providers.md §9.1 (@runwayml/sdk 4.20.1 resources/{image-to-video,text-to-video,video-to-video}.ts; checked against the pinned devDependency by test/providers/runway-sdk-drift.test.ts)',
  runway4Retired:
    'providers.md §9.1 "Retired ids" (@runwayml/sdk 3.24.0 video-to-video.ts:48 gen4_aleph; absent from every 4.20.1 create union; successor aleph2 on the same endpoint)',
  runwayMedia: 'providers.md §9.2 (@runwayml/sdk 4.17.1 CHANGELOG "cap media data URIs at 5MB"; video-to-video.ts:72-76, image-to-video.ts:88-90)',
  runway4AsOf: '2026-09-23',
  minimaxV2: 'providers.md §9.3 (MiniMax-AI/MiniMax-H3 README and scripts; mmx-cli 1.0.27 sdk.mjs:1939-2041)',
  runapiH3: 'providers.md §9.4 (runapi-ai/mcp data/contract.json @9e99875: minimax-h3/text-to-video, minimax-h3/image-to-video)',
  atlasH3: 'providers.md §9.5 (AtlasCloudAI/atlascloud_comfyui PRs #95, #106, #108, #114; atlascloud-mcp 1.7.0 README:33)',
  apiframeH3: 'providers.md §9.5 (apiframe-ai/apiframe-nodejs-sdk 9f9b464 "sync openapi spec with unreleased Hailuo 03 model", openapi.json:7936)',
  seedInconsistencies: 'providers.md §7 (inconsistencies in the seed pages)',
} as const;
