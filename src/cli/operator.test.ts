// `jukinet operator init`: the first administrator of an empty node with a set-up code for the terminal's 初期設定,
// refused once the node has operators.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parseNodeConfig } from '../servers/common/index.js';
import { isJukinetError } from '../shared/errors.js';
import { openStore } from '../store/index.js';
import { initFirstAdministrator, operatorInitCommand } from './operator.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

it('initFirstAdministrator() creates the administrator once and gives a set-up URL on localhost', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-operator-'));
  directories.push(directory);
  const config = parseNodeConfig(
    {
      nodeId: 'muni-131059',
      database: 'node.db',
      network: { port: 47010 },
      terminal: { host: '127.0.0.1', port: 47011 },
      pki: { caCertificate: 'ca.pem', certificate: 'cert.pem', keyStore: 'keys' },
      national: { endpoint: 'https://127.0.0.1:47000' },
    },
    { baseDirectory: directory },
  );
  const input = { loginName: 'kanri', displayName: '管理 花子', password: 'sakura no hana ga saku' };
  const created = await initFirstAdministrator(config, input);
  expect(created.operator).toMatchObject({ loginName: 'kanri', role: 'system-administrator' });
  expect(created.setupCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(created.setupUrl).toBe(`https://localhost:47011/setup#${created.setupCode}`);

  const refused = await initFirstAdministrator(config, { ...input, loginName: 'kanri2' }).catch(
    (error: unknown) => error,
  );
  expect(isJukinetError(refused, 'JUKI_ERR_OPERATORS_EXIST')).toBe(true);
  const renewed = await initFirstAdministrator(config, { ...input, renew: true });
  expect(renewed.operator.id).toBe(created.operator.id);
  expect(renewed.setupCode).not.toBe(created.setupCode);
  const store = await openStore(config.database);
  expect(await store.db.selectFrom('operator').select('login_name').execute()).toEqual([
    { login_name: 'kanri' },
  ]);
  await store.close();
  expect(operatorInitCommand('/x/node.json')).toBe(
    'jukinet operator init --config /x/node.json --login kanri --name 管理者',
  );
});
