// `jukinet linkage export|import` on a municipal node's configuration: the export of one node's register, imported
// into another node's store, gives the same identity information, with identity.changed signed by the node's key.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { NodeId } from '../domain/index.js';
import { verifyEnvelopeSignature } from '../net/index.js';
import type { Envelope } from '../protocol/index.js';
import { isJukinetError } from '../shared/errors.js';
import { openStore } from '../store/index.js';
import { prepareNetwork } from '../servers/common/network-layout.js';
import { consistencyDigest } from '../servers/common/identity-history.js';
import { freePortRange } from '../servers/common/testing/free-ports.js';
import { createTestMunicipality } from '../servers/municipality/testing/test-municipality.js';
import { exportNodeLinkage, importNodeLinkage } from './linkage.js';
import { main } from './main.js';

const BUNKYO = 'muni-131059' as NodeId;
const directories: string[] = [];
afterEach(async () => {
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

it('linkage export then import seeds another store of the node with the same identity information', async () => {
  const root = await mkdtemp(join(tmpdir(), 'jukinet-linkage-'));
  directories.push(root);
  const layout = await prepareNetwork(root, {
    nodeIds: ['national' as NodeId, 'pref-13' as NodeId, BUNKYO],
    basePort: await freePortRange(6),
  });
  const config = await layout.configOf(BUNKYO);

  // Seed the node's register in-process, as a running node would have.
  const source = await openStore(config.database);
  const muni = await createTestMunicipality(source);
  const entered = await muni.module.register.recordOfficialEntry({
    name: '本郷 花子',
    nameKana: 'ホンゴウ ハナコ',
    birthDate: '1985-06-15',
    sex: 'female',
    address: '東京都文京区本郷二丁目2番2号',
    date: '2024-01-10',
  });
  muni.clock.advance(1000);
  await muni.module.register.recordMoveWithin(entered.id, {
    address: '東京都文京区白山三丁目3番3号',
    date: '2024-02-01',
  });
  const expected = await consistencyDigest(source.db, entered.lgCode);
  await source.close();

  const text = await exportNodeLinkage(config);
  expect(text.split('\r\n').filter((line) => line !== '')).toHaveLength(3);
  const out = join(root, 'linkage.csv');
  const argv = ['node', 'jukinet', 'linkage', 'export', '--config', join(root, 'nodes', BUNKYO, 'node.json')];
  expect(await main([...argv, '--out', out])).toBe(0);
  expect(await readFile(out, 'utf8')).toBe(text);

  const fresh = { ...config, database: join(root, 'fresh.sqlite') };
  const report = await importNodeLinkage(fresh, text);
  expect(report).toMatchObject({ applied: 2, duplicate: 0, refused: 0 });
  const target = await openStore(fresh.database);
  try {
    expect(await consistencyDigest(target.db, entered.lgCode)).toEqual(expected);
    const rows = await target.db.selectFrom('outbox').select('envelope').orderBy('seq').execute();
    const publicKey = new X509Certificate(await readFile(config.pki.certificate, 'utf8')).publicKey;
    for (const row of rows) {
      const envelope = JSON.parse(row.envelope) as Envelope;
      expect(envelope).toMatchObject({ from: BUNKYO, to: 'pref-13', type: 'identity.changed' });
      expect(verifyEnvelopeSignature(envelope, publicKey)).toBe(true);
    }
    expect(rows).toHaveLength(2);
  } finally {
    await target.close();
  }

  // The same file again: duplicates; the import command exits 0. A refused row makes it exit 1.
  expect((await importNodeLinkage(fresh, text)).duplicate).toBe(2);
  const freshConfig = join(root, 'nodes', BUNKYO, 'fresh.json');
  const onDisk = JSON.parse(await readFile(join(root, 'nodes', BUNKYO, 'node.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(freshConfig, JSON.stringify({ ...onDisk, database: join(root, 'fresh.sqlite') }));
  const file = join(root, 'bad.csv');
  await writeFile(file, text.replace(',move-within,', ',move-without,'));
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string): boolean => {
    written.push(chunk);
    return true;
  };
  try {
    expect(await main(['node', 'jukinet', 'linkage', 'import', '--config', freshConfig, file])).toBe(1);
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
  expect(written.join('')).toMatch(
    /\nline 3: refused .*: JUKI_ERR_LINKAGE_MESSAGE_INVALID: .*\n0 applied, 1 duplicate, 1 refused/,
  );

  await expect(exportNodeLinkage(await layout.configOf('pref-13' as NodeId))).rejects.toSatisfy((error) =>
    isJukinetError(error, 'JUKI_ERR_CLI_ARGUMENT'),
  );
});
