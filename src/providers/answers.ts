/**
 * How every provider answer is classified (issue #10 §2), one table per provider, as data a test
 * iterates against the adapters and the provider fakes (test/providers/answers.test.ts).
 *
 * Kinds:
 *  - `rejected`: a definite refusal of a submit. No job was created, nothing is spent, failover to
 *    another provider is allowed, and the provider's text is quoted. **An answer that arrived with an
 *    error code and no job id is definite, whether or not the code is in the table** (`other` rows).
 *  - `indeterminate`: the submit may or may not have created a job: a lost answer, or a 5xx after the
 *    request was accepted. Replayed by key where the provider deduplicates (RunAPI, Apiframe);
 *    recorded as `unknown` elsewhere, never resubmitted blindly.
 *  - `job_failed`: a status answer saying the job failed, even inside an HTTP error response: a
 *    terminal `failed` with the provider's reason.
 *  - `not_found`: a status answer saying the job does not exist; the job ends after the grace period
 *    (VIDEOGEN_NOT_FOUND_GRACE_SECONDS).
 *  - `transient`: a status answer that says nothing about the job (5xx, 429, network): polled again
 *    with backoff.
 *  - `fatal`: a status answer that no retry will fix (a refused key): reported as an error.
 *
 * `answer` names the wire form: `HTTP <status>`, `HTTP 4xx` / `HTTP 5xx` for any other status of
 * that class, `code <n>` for an in-band code in an HTTP 200 body, `code other` for any code not
 * listed, `HTTP <status> failed` for a failed task carried in an error response. Sources: providers.md
 * §1.5 (RunAPI), §2.5 (Apiframe), §3.2/§3.3/§3.6 (Atlas), §4.5/§9.3 (MiniMax), §5.4 (Runway).
 */
import type { RealProviderId } from '../catalog/types.js';

export type AnswerKind = 'rejected' | 'indeterminate' | 'job_failed' | 'not_found' | 'transient' | 'fatal';

export interface AnswerRule {
  phase: 'submit' | 'status';
  answer: string;
  kind: AnswerKind;
  /** What the provider means, for readers of the table. */
  meaning: string;
}

const submit = (answer: string, kind: AnswerKind, meaning: string): AnswerRule => ({ phase: 'submit', answer, kind, meaning });
const status = (answer: string, kind: AnswerKind, meaning: string): AnswerRule => ({ phase: 'status', answer, kind, meaning });

/** Shared by the HTTP-status providers: what an HTTP status on a submit proves. */
const HTTP_SUBMIT: readonly AnswerRule[] = [
  submit('HTTP 400', 'rejected', 'bad request'),
  submit('HTTP 401', 'rejected', 'key refused'),
  submit('HTTP 402', 'rejected', 'insufficient credits'),
  submit('HTTP 403', 'rejected', 'key inactive or not permitted'),
  submit('HTTP 409', 'rejected', 'idempotency key reused with another body'),
  submit('HTTP 413', 'rejected', 'payload too large'),
  submit('HTTP 422', 'rejected', 'validation'),
  submit('HTTP 429', 'rejected', 'rate or daily limit'),
  submit('HTTP 4xx', 'rejected', 'any other refusal: an error code and no job id'),
  submit('HTTP 500', 'indeterminate', 'server error after the request arrived'),
  submit('HTTP 502', 'indeterminate', 'gateway error: the request may have been forwarded'),
  submit('HTTP 503', 'rejected', 'turned away before processing (shedding load)'),
  submit('HTTP 504', 'indeterminate', 'gateway timeout: the request may be processing'),
  submit('lost answer', 'indeterminate', 'connection lost after the request was sent'),
];

const HTTP_STATUS: readonly AnswerRule[] = [
  status('HTTP 401', 'fatal', 'key refused'),
  status('HTTP 404', 'not_found', 'the job does not exist'),
  status('HTTP 429', 'transient', 'rate limit'),
  status('HTTP 500', 'transient', 'server error'),
  status('HTTP 503', 'transient', 'unavailable'),
];

export const ANSWER_TABLES: Record<RealProviderId, readonly AnswerRule[]> = {
  runapi: [...HTTP_SUBMIT, ...HTTP_STATUS, status('HTTP 422 failed', 'job_failed', 'a failed task in an error response')],
  apiframe: [...HTTP_SUBMIT, ...HTTP_STATUS, status('HTTP 400 failed', 'job_failed', 'a FAILED job in an error response')],
  atlascloud: [
    ...HTTP_SUBMIT,
    submit('code 400', 'rejected', 'in-band bad request (HTTP 200)'),
    submit('code 401', 'rejected', 'in-band key refused'),
    submit('code 402', 'rejected', 'in-band insufficient balance'),
    submit('code 429', 'rejected', 'in-band rate limit'),
    submit('code 500', 'rejected', 'in-band server error: an error code and no prediction id'),
    submit('code other', 'rejected', 'any other in-band code: an error code and no prediction id'),
    ...HTTP_STATUS.filter((r) => r.answer !== 'HTTP 404'),
    status('HTTP 404', 'not_found', 'unknown prediction (after the ~30 s warm-up)'),
    status('HTTP 500 failed', 'job_failed', 'a failed prediction in an error response'),
  ],
  minimax: [
    ...HTTP_SUBMIT.filter((r) => r.answer !== 'HTTP 409'),
    submit('code 1000', 'rejected', 'unknown error, no task id'),
    submit('code 1001', 'rejected', 'request timeout, no task id'),
    submit('code 1002', 'rejected', 'rate limit'),
    submit('code 1004', 'rejected', 'key refused (or wrong region)'),
    submit('code 1008', 'rejected', 'insufficient balance'),
    submit('code 1024', 'rejected', 'internal error, no task id'),
    submit('code 1026', 'rejected', 'sensitive input'),
    submit('code 1028', 'rejected', 'quota exhausted'),
    submit('code 1030', 'rejected', 'quota exhausted'),
    submit('code 1039', 'rejected', 'TPM limit'),
    submit('code 1042', 'rejected', 'illegal characters'),
    submit('code 2013', 'rejected', 'invalid parameters'),
    submit('code 2049', 'rejected', 'invalid key'),
    submit('code 2056', 'rejected', 'usage limit exceeded'),
    submit('code 2061', 'rejected', 'model not in the plan'),
    submit('code other', 'rejected', 'any other code: an error code and no task id'),
    status('code 2013', 'not_found', 'task not found'),
    status('code 1004', 'fatal', 'key refused'),
    status('code 1027', 'job_failed', 'sensitive output'),
    status('code 1000', 'transient', 'unknown error'),
    status('HTTP 500', 'transient', 'server error'),
  ],
  runway: [...HTTP_SUBMIT, ...HTTP_STATUS, status('HTTP 400 failed', 'job_failed', 'a FAILED task in an error response')],
};
