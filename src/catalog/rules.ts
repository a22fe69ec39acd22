/**
 * Conditions and joint rules, evaluated against a request (after normalization and defaults).
 */
import type { Condition, JointRule, ParamName, VideoParams } from './types.js';

/** A condition that always holds: `when: ALWAYS` makes a rule unconditional. */
export const ALWAYS: Condition = { all: [] };

export function present(field: ParamName): Condition {
  return { field, present: true };
}
export function absent(field: ParamName): Condition {
  return { field, present: false };
}
export function isIn(field: ParamName, values: readonly (string | number | boolean)[]): Condition {
  return { field, in: values };
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function same(a: unknown, b: string | number | boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Whether `cond` holds for `params`. Pure; never throws. */
export function evaluate(cond: Condition, params: VideoParams): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluate(c, params));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, params));
  if ('not' in cond) return !evaluate(cond.not, params);
  const value: unknown = params[cond.field];
  if ('present' in cond) return isSet(value) === cond.present;
  if ('in' in cond) return isSet(value) && cond.in.some((v) => same(value, v));
  // max_length
  return !isSet(value) || (typeof value === 'string' && value.length <= cond.max_length);
}

/** The rules whose `when` holds and whose `require` does not. */
export function violatedRules(rules: readonly JointRule[], params: VideoParams): JointRule[] {
  return rules.filter((r) => evaluate(r.when, params) && !evaluate(r.require, params));
}

/** The fields a condition mentions. */
export function conditionFields(cond: Condition): ParamName[] {
  if ('all' in cond) return cond.all.flatMap(conditionFields);
  if ('any' in cond) return cond.any.flatMap(conditionFields);
  if ('not' in cond) return conditionFields(cond.not);
  return [cond.field];
}

/** A prompt-length rule: `who` accepts prompts of at most `max` characters. */
export function promptLimitRule(id: string, max: number, who: string, source: string): JointRule {
  return {
    id,
    when: present('prompt'),
    require: { field: 'prompt', max_length: max },
    message: `prompt is longer than ${who} accepts; allowed: at most ${max} characters.`,
    source,
  };
}
