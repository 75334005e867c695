// What a municipality configures for the wide-area copy (its `municipality.wideArea` section, docs/wide-area-copy.md):
// whether it takes part, and its own fee per copy.

import { WIDE_AREA_DEFAULT_FEE } from '../../common/config.js';

/** A municipality's wide-area copy settings, defaults filled in. */
export interface WideAreaSettings {
  /** False: it neither issues copies of others' residents nor answers for its own (JUKI_ERR_WIDE_AREA_NOT_PARTICIPATING). */
  readonly participating: boolean;
  /** The fee it charges per copy it issues, in yen. */
  readonly fee: number;
}

/** The settings of a configuration section as written (either field may be left out): participating, 300 yen. */
export function wideAreaSettingsOf(section?: {
  readonly participating?: boolean | undefined;
  readonly fee?: number | undefined;
}): WideAreaSettings {
  return { participating: section?.participating ?? true, fee: section?.fee ?? WIDE_AREA_DEFAULT_FEE };
}
