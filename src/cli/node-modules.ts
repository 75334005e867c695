// Which server module runs a node of each role: the one place the CLI joins the runtime to the server kinds.

import type { NodeRole } from '../domain/node-id.js';
import type { NodeConfig, NodeModuleFactory } from '../servers/common/index.js';
import { municipalityModule, municipalityOptionsFor } from '../servers/municipality/index.js';
import { nationalModule, nationalOptionsFor } from '../servers/national/index.js';
import { prefectureModule, prefectureOptionsFor } from '../servers/prefecture/index.js';
import { JukinetError, quote } from '../shared/errors.js';

/**
 * The module factory for `role`, with the options its node's `config` gives the module (a municipality's certifier
 * name and card issuer); JUKI_ERR_CONFIG_INVALID for agencies, which no server kind runs yet.
 */
export function moduleFactoryOf(role: NodeRole, config?: NodeConfig): NodeModuleFactory {
  switch (role) {
    case 'national':
      return (context) => nationalModule(context, config === undefined ? {} : nationalOptionsFor(config));
    case 'prefecture':
      return (context) => prefectureModule(context, config === undefined ? {} : prefectureOptionsFor(config));
    case 'municipality':
      return (context) =>
        municipalityModule(context, config === undefined ? {} : municipalityOptionsFor(config));
    case 'agency':
      throw new JukinetError('JUKI_ERR_CONFIG_INVALID', `no ${quote(role)} server in this build yet`);
  }
}
