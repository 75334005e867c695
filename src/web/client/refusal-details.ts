// The refusals whose Japanese sentence needs what the server said beside the code: when the common operating hours
// next open (docs/operating-hours.md, "The refusal"), until when a one-visit move could be taken, and which
// municipality takes no part in the wide-area copy.

import { findLocalGovernmentByCode, formatWareki } from '../../domain/index.js';

/** The sentence a JUKI_ERR_OUTSIDE_OPERATING_HOURS refusal says in Japanese (outsideOperatingHoursText). */
const OUTSIDE_HOURS_SENTENCE = /共通運用時間帯外です。[^()]*?です。/u;

function warekiOrIso(date: string): string {
  try {
    return formatWareki(date);
  } catch {
    return date;
  }
}

/** The quoted ISO date after `label` in a server message (`ended on "2026-01-31"`), if any. */
function quotedDateAfter(message: string, label: string): string | undefined {
  return new RegExp(`${label} "(\\d{4}-\\d{2}-\\d{2})"`, 'u').exec(message)?.[1];
}

/** A municipality named by the quoted LG code in a server message, as people name it (東京都千代田区). */
function municipalityIn(message: string): string | undefined {
  const code = /"(\d{6})"/u.exec(message)?.[1];
  const found = code === undefined ? undefined : findLocalGovernmentByCode(code);
  if (found === undefined) return undefined;
  return found.kind === 'prefecture' ? found.name : `${found.prefecture}${found.fullName}`;
}

/** The Japanese sentence for `code` built from the server's `message`, or undefined when the code alone says it. */
export function detailedMessageOf(code: string, message: string): string | undefined {
  switch (code) {
    case 'JUKI_ERR_OUTSIDE_OPERATING_HOURS':
      return OUTSIDE_HOURS_SENTENCE.exec(message)?.[0];
    case 'JUKI_ERR_SPECIAL_MOVE_LIMIT_PASSED': {
      const limit = quotedDateAfter(message, 'ended on');
      return limit === undefined
        ? undefined
        : `転入転出の特例の期限（${warekiOrIso(limit)}まで）を過ぎています。通常の転出届・転入届を行ってください`;
    }
    case 'JUKI_ERR_SPECIAL_MOVE_DATE': {
      const furthest = quotedDateAfter(message, 'at most');
      return furthest === undefined
        ? undefined
        : `転出予定年月日は${warekiOrIso(furthest)}までの日付にしてください（転入転出の特例の期間）`;
    }
    case 'JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING': {
      const municipality = municipalityIn(message);
      return municipality === undefined ? undefined : `${municipality}は広域交付に参加していません`;
    }
    default:
      return undefined;
  }
}
