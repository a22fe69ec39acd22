/**
 * `extend_job_id`: continue a finished video. RunAPI's `runway/extend_video` takes the source's own
 * task id (`source_task_id`, providers.md §1.3); agents hold our job_id, which encodes it. This step
 * checks, before anything is routed or spent, that the job can be extended where the request goes,
 * and returns the upstream task id to put on the wire.
 */
import { VideogenError } from '../errors.js';
import { decodeJobId } from './job-id.js';
import type { JobRecord } from './ledger.js';

export interface ExtendSource {
  /** The provider's own task id, sent as `source_task_id`. */
  taskId: string;
}

/**
 * Resolve an `extend_job_id` for a request routed to `provider` (the simulator extends its own jobs).
 * Throws invalid_input naming what to do when the job cannot be extended there or is not finished.
 */
export async function extendSource(jobId: string, provider: string, lookup: (jobId: string) => Promise<JobRecord | undefined>): Promise<ExtendSource> {
  // Decode first: a malformed id is refused before anything is read.
  const src = decodeJobId(jobId);
  const ok =
    (provider === 'runapi' && src.provider === 'runapi' && src.model === 'runway' && src.handle['svc'] === 'runway') ||
    (provider === 'simulator' && src.provider === 'simulator');
  if (!ok && provider !== 'runapi' && src.provider === 'runapi')
    throw new VideogenError(
      'invalid_input',
      `Extending ${jobId.slice(0, 40)}… needs RunAPI (runway/extend_video), but this request would go to ${provider}. Set RUNAPI_API_KEY, or drop provider.`,
      { noJobCreated: true },
    );
  if (!ok)
    throw new VideogenError(
      'invalid_input',
      `extend_job_id must be a job of model runway on RunAPI (RunAPI's runway/extend_video continues its own tasks); ${jobId.slice(0, 40)}… is a ${src.model} job on ${src.provider}. Generate with model runway first, then extend that job.`,
      { noJobCreated: true },
    );
  const record = await lookup(jobId);
  if (record && record.status !== 'succeeded')
    throw new VideogenError(
      'invalid_input',
      `Job ${jobId.slice(0, 40)}… is ${record.status}; only a finished video can be extended. ${record.status === 'queued' || record.status === 'running' ? 'Call check_job until it has succeeded, then extend it.' : 'Generate a new video to extend.'}`,
      { noJobCreated: true },
    );
  return { taskId: src.handle.id };
}
