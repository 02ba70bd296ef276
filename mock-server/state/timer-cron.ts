// The 7-field cron of a timer trigger (sec min hour day month weekday year, UTC+8), checked field by field.

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    base: 1,
  },
  { name: 'weekday', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], base: 0 },
  { name: 'year', min: 1970, max: 2099 },
] as const;

function value(text: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  if ('names' in field) {
    const at = (field.names as readonly string[]).indexOf(text.toUpperCase());
    if (at >= 0) return at + field.base;
  }
  return undefined;
}

function checkItem(item: string, field: (typeof FIELDS)[number]): boolean {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (range === '*') return true;
  const [from, to, more] = range.split('-');
  if (more !== undefined) return false;
  const start = value(from, field);
  if (start === undefined) return false;
  if (to === undefined) return true;
  const end = value(to, field);
  return end !== undefined && end >= start;
}

/**
 * Why a timer trigger's config is not a 7-field cron as upstream documents it, or undefined when it is.
 * @example cronProblem('0 0 2 1 * * *') // undefined
 * @example cronProblem('0 0 2 1 * *') // 'has 6 fields; a timer takes 7: second minute hour day month weekday year'
 */
export function cronProblem(config: string): string | undefined {
  const parts = config.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    return `has ${parts.length} field${parts.length === 1 ? '' : 's'}; a timer takes 7: second minute hour day month weekday year`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i];
    if (!parts[i].split(',').every((item) => checkItem(item, field))) {
      return `field ${i + 1} (${field.name}) ${JSON.stringify(parts[i])} is not *, a value from ${field.min} to ${field.max}${'names' in field ? ` (or ${field.names[0]}…${field.names.at(-1)})` : ''}, a range a-b, a list, or a step /n`;
    }
  }
  return undefined;
}
