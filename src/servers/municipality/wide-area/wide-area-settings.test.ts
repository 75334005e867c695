// The wide-area copy's configuration: `municipality.wideArea` in a node's file, its defaults (participating, 300 yen),
// the refusal of a fee that is not a whole number of yen, and what the municipal module is given from it.

import { describe, expect, it } from 'vitest';
import { isJukinetError } from '../../../shared/errors.js';
import { parseNodeConfig } from '../../common/config.js';
import { municipalityOptionsOf } from '../index.js';
import { wideAreaSettingsOf } from './wide-area-settings.js';

const MUNICIPALITY = {
  nodeId: 'muni-312011',
  database: 'node.db',
  network: { port: 47010 },
  terminal: { port: 47011 },
  pki: { caCertificate: 'ca.pem', certificate: 'cert.pem', keyStore: 'keys' },
  national: { endpoint: 'https://127.0.0.1:47000' },
};
const BASE = { baseDirectory: '/srv/jukinet' };

function configWith(wideArea: unknown) {
  return parseNodeConfig({ ...MUNICIPALITY, municipality: { wideArea } }, BASE);
}

describe('municipality.wideArea', () => {
  it('takes part at 300 yen a copy when left out, in whole or in part', () => {
    expect(wideAreaSettingsOf(parseNodeConfig(MUNICIPALITY, BASE).municipality?.wideArea)).toEqual({
      participating: true,
      fee: 300,
    });
    expect(configWith({}).municipality?.wideArea).toEqual({ participating: true, fee: 300 });
    expect(configWith({ fee: 350 }).municipality?.wideArea).toEqual({ participating: true, fee: 350 });
  });

  it('gives the municipal module its fee and whether it takes part', () => {
    const config = configWith({ participating: false, fee: 0 });
    expect(municipalityOptionsOf(config).wideArea).toEqual({ participating: false, fee: 0 });
  });

  it('refuses a negative or fractional fee and a field it does not know', () => {
    for (const wideArea of [
      { fee: -1 },
      { fee: 300.5 },
      { fee: '300' },
      { participating: 'no' },
      { fees: 300 },
    ]) {
      let refused: unknown;
      try {
        configWith(wideArea);
      } catch (error) {
        refused = error;
      }
      expect(isJukinetError(refused, 'JUKI_ERR_CONFIG_INVALID'), JSON.stringify(wideArea)).toBe(true);
    }
  });
});
