/** The tool registry: an explicit list, iterated by the server, the tests and the docs. */
import { cancelJob } from './cancel-job.js';
import { checkJob } from './check-job.js';
import { generateVideo } from './generate-video.js';
import { listJobs } from './list-jobs.js';
import { listModels } from './list-models.js';

export const TOOLS = [listModels, generateVideo, checkJob, listJobs, cancelJob] as const;
export const TOOL_NAMES = TOOLS.map((t) => t.name);
