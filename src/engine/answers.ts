/**
 * Question validation: whether a typed answer is acceptable, and the value stored for it.
 * Values are normalised so later conditions can compare them: numbers with a dot decimal
 * separator, phones as "+" and digits, dates as YYYY-MM-DD. A number keeps its digits as typed
 * ("007" stays "007", a 17-digit id is not rounded to a double's precision, a 22-digit one is
 * not turned into "1.2e+21", which would no longer read as a number); conditions compare
 * numbers by value. A number written with a thousands separator ("1,500", "1.000") is refused,
 * so the user is asked again: it reads differently from one country to the next (see
 * parseNumber).
 */
import type { Validation } from '../flows/definition.js';
import { compileSafeRegex } from '../flows/safe-regex.js';

export type AnswerCheck =
  | { kind: 'valid'; value: string }
  | { kind: 'invalid' }
  /** The validation itself cannot run (an invalid pattern). */
  | { kind: 'broken'; reason: string };

const INVALID: AnswerCheck = { kind: 'invalid' };

export function checkAnswer(validation: Validation | undefined, raw: string): AnswerCheck {
  const text = raw.trim();
  if (text === '') return INVALID;
  switch (validation?.type) {
    case undefined:
      return { kind: 'valid', value: text };
    case 'text': {
      const length = [...text].length;
      return within(length, validation) ? { kind: 'valid', value: text } : INVALID;
    }
    case 'number': {
      const value = parseNumber(text);
      return value !== null && within(value, validation) ? { kind: 'valid', value: decimalPoint(text) } : INVALID;
    }
    case 'email':
      return isEmail(text) ? { kind: 'valid', value: text } : INVALID;
    case 'phone': {
      const phone = normalisePhone(text);
      return phone === null ? INVALID : { kind: 'valid', value: phone };
    }
    case 'date': {
      const date = normaliseDate(text);
      return date === null ? INVALID : { kind: 'valid', value: date };
    }
    case 'regex': {
      const compiled = compileSafeRegex(validation.pattern);
      if (!compiled.ok) return { kind: 'broken', reason: `invalid pattern: ${compiled.error}` };
      return compiled.regex.test(text) ? { kind: 'valid', value: text } : INVALID;
    }
  }
}

function within(value: number, bounds: { min?: number | undefined; max?: number | undefined }): boolean {
  return (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max);
}

const NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;
/**
 * One separator followed by exactly three digits, after 1 to 3 digits that are not a zero:
 * "1,500" is 1500 in English and 1.5 in Spanish, "1.000" is 1 in English and 1000 in Spanish.
 * Neither reading can be taken for granted, and a wrong value is worse than asking again, so
 * such a text is not a number ("0,125" and "1,5" are decimals, "1500" is plain).
 */
const THOUSANDS_OR_DECIMAL = /^[+-]?[1-9]\d{0,2}[.,]\d{3}$/;

/** "12", "-3", "1.5" and "1,5" (decimal comma); null for anything else, and for "1,500" or "1.000". */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed) || THOUSANDS_OR_DECIMAL.test(trimmed)) return null;
  const value = Number(decimalPoint(trimmed));
  return Number.isFinite(value) ? value : null;
}

/** A number parseNumber reads, written with a decimal point ("1,5" → "1.5"). */
function decimalPoint(number: string): string {
  return number.replace(',', '.');
}

const MAX_EMAIL_LENGTH = 254;

/** One "@", something before it, a dotted domain after it, no spaces. */
function isEmail(text: string): boolean {
  if (text.length > MAX_EMAIL_LENGTH || /\s/.test(text)) return false;
  const at = text.indexOf('@');
  if (at < 1 || at !== text.lastIndexOf('@')) return false;
  const labels = text.slice(at + 1).split('.');
  return labels.length >= 2 && labels.every((label) => label !== '');
}

/** 7 to 15 digits (E.164 allows 15), optionally after "+", with spaces, dots, dashes, brackets between. */
function normalisePhone(text: string): string | null {
  if (!/^\+?[\d\s().-]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return `${text.startsWith('+') ? '+' : ''}${digits}`;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_FIRST_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** YYYY-MM-DD, or day first (DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY) as most of the world writes it. */
function normaliseDate(text: string): string | null {
  const iso = ISO_DATE.exec(text);
  const dayFirst = iso ? null : DAY_FIRST_DATE.exec(text);
  const parts = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : null;
  if (!parts) return null;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
