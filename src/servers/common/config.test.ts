import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadNodeConfig, operatingCalendarFor, operatorSettingsFor, parseNodeConfig } from './config.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

const municipality = {
  nodeId: 'muni-131059',
  database: 'node.db',
  network: { port: 47010 },
  terminal: { host: '127.0.0.1', port: 47011 },
  pki: {
    caCertificate: '../pki/ca.crt.pem',
    certificate: 'cert.pem',
    keyStore: 'keys',
    passphraseFile: '/run/pass',
  },
  national: { endpoint: 'https://127.0.0.1:47000' },
};

it('loadNodeConfig() resolves relative paths against the file and fills defaults', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-config-'));
  directories.push(directory);
  const path = join(directory, 'node.json');
  await writeFile(path, JSON.stringify(municipality));
  const config = await loadNodeConfig(path);
  expect(config).toMatchObject({
    nodeId: 'muni-131059',
    role: 'municipality',
    database: join(directory, 'node.db'),
    network: { host: '127.0.0.1', port: 47010 },
    pki: {
      caCertificate: join(directory, '..', 'pki', 'ca.crt.pem'),
      keyStore: join(directory, 'keys'),
      passphraseFile: '/run/pass',
    },
    national: { endpoint: 'https://127.0.0.1:47000', refreshSeconds: 300 },
    logLevel: 'info',
  });
});

it('parseNodeConfig() keeps PostgreSQL URLs and resolves sqlite: paths', () => {
  const base = { baseDirectory: '/srv/jukinet' };
  expect(parseNodeConfig({ ...municipality, database: 'postgres://u@h/db' }, base).database).toBe(
    'postgres://u@h/db',
  );
  expect(parseNodeConfig({ ...municipality, database: 'sqlite:data/n.db' }, base).database).toBe(
    'sqlite:/srv/jukinet/data/n.db',
  );
});

it('parseNodeConfig() lists every problem with JUKI_ERR_CONFIG_INVALID', () => {
  let caught: unknown;
  try {
    parseNodeConfig(
      { ...municipality, nodeId: 'muni-131058', network: { port: 70000 }, national: undefined },
      { baseDirectory: '/' },
    );
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({ code: 'JUKI_ERR_CONFIG_INVALID' });
  const message = (caught as Error).message;
  expect(message).toContain('config.nodeId');
  expect(message).toContain('config.network.port');
});

it('parseNodeConfig() requires a directory on the national server and the national endpoint elsewhere', () => {
  expect(() => parseNodeConfig({ ...municipality, national: undefined }, { baseDirectory: '/' })).toThrow(
    /config\.national: every other node needs the national endpoint/,
  );
  expect(() =>
    parseNodeConfig({ ...municipality, nodeId: 'national', national: undefined }, { baseDirectory: '/' }),
  ).toThrow(/config\.directory: the national server needs a directory/);
});

it("parseNodeConfig() takes a municipality's certifier name, on a municipal node only", () => {
  const base = { baseDirectory: '/' };
  const named = { ...municipality, municipality: { certifierName: ' 本郷 和子 ' } };
  expect(parseNodeConfig(named, base).municipality).toEqual({ certifierName: '本郷 和子' });
  expect(parseNodeConfig(municipality, base).municipality).toBeUndefined();
  expect(() => parseNodeConfig({ ...municipality, municipality: { certifierName: '' } }, base)).toThrow(
    /config\.municipality\.certifierName/,
  );
  expect(() => parseNodeConfig({ ...named, nodeId: 'pref-13' }, base)).toThrow(
    /config\.municipality: only a municipal node has one/,
  );
});

it('loadNodeConfig() refuses a file that is not JSON', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'jukinet-config-'));
  directories.push(directory);
  const path = join(directory, 'node.json');
  await writeFile(path, '{ nodeId: ');
  await expect(loadNodeConfig(path)).rejects.toMatchObject({ code: 'JUKI_ERR_CONFIG_INVALID' });
});

it('operatorSettingsFor() names the terminal localhost for an IP address, and keeps a configured section', () => {
  const plain = parseNodeConfig(municipality, { baseDirectory: '/etc/jukinet' });
  expect(operatorSettingsFor(plain)).toMatchObject({
    rpId: 'localhost',
    rpName: '住基ネット',
    origins: ['https://localhost:47011'],
    idleTimeoutMs: 15 * 60_000,
    maxFailedLogins: 5,
  });
  expect(operatorSettingsFor(plain, 50_123).origins).toEqual(['https://localhost:50123']);
  const named = parseNodeConfig(
    { ...municipality, terminal: { host: 'terminal.city.example.lg.jp', port: 443 } },
    { baseDirectory: '/etc/jukinet' },
  );
  expect(operatorSettingsFor(named)).toMatchObject({
    rpId: 'terminal.city.example.lg.jp',
    origins: ['https://terminal.city.example.lg.jp'],
  });
  const configured = parseNodeConfig(
    { ...municipality, operators: { rpId: 'juki.example.jp', idleTimeoutMinutes: 5 } },
    { baseDirectory: '/etc/jukinet' },
  );
  expect(operatorSettingsFor(configured)).toMatchObject({
    rpId: 'juki.example.jp',
    origins: ['https://juki.example.jp:47011'],
    idleTimeoutMs: 5 * 60_000,
  });
  expect(() =>
    parseNodeConfig({ ...municipality, operators: { idleTimeoutMinutes: 0 } }, { baseDirectory: '/' }),
  ).toThrow(/operators\.idleTimeoutMinutes/);
});

it('parseNodeConfig() fills the default operating hours and takes configured ones', () => {
  const base = { baseDirectory: '/' };
  const plain = parseNodeConfig(municipality, base);
  expect(plain.operatingHours).toEqual({
    opens: '08:30',
    closes: '17:15',
    closedDays: [],
    exceptions: { allowed: true },
  });
  expect(operatingCalendarFor(plain).isOpen(new Date('2026-12-03T09:00:00+09:00'))).toBe(true);
  const configured = parseNodeConfig(
    {
      ...municipality,
      operatingHours: {
        opens: '08:30',
        closes: '17:15',
        closedDays: ['2026-12-04'],
        exceptions: { lockout: { from: '22:00', to: '06:00' } },
      },
    },
    base,
  );
  expect(configured.operatingHours).toEqual({
    opens: '08:30',
    closes: '17:15',
    closedDays: ['2026-12-04'],
    exceptions: { allowed: true, lockout: { from: '22:00', to: '06:00' } },
  });
  const calendar = operatingCalendarFor(configured);
  expect(calendar.isOpen(new Date('2026-12-03T17:14:00+09:00'))).toBe(true);
  expect(calendar.nextOpening(new Date('2026-12-03T17:15:00+09:00'))).toEqual(
    new Date('2026-12-07T08:30:00+09:00'),
  );
  expect(calendar.settings.exceptions.lockout).toEqual({ from: '22:00', to: '06:00' });
});

it('parseNodeConfig() refuses operating hours that are not times, close before they open, or name no date', () => {
  const base = { baseDirectory: '/' };
  const withHours = (operatingHours: unknown) => ({ ...municipality, operatingHours });
  expect(() => parseNodeConfig(withHours({ opens: '8:30' }), base)).toThrow(
    /config\.operatingHours\.opens: expected HH:MM from 00:00 to 24:00/,
  );
  expect(() => parseNodeConfig(withHours({ opens: '17:00', closes: '09:00' }), base)).toThrow(
    /config\.operatingHours\.closes: must be later than opens/,
  );
  expect(() => parseNodeConfig(withHours({ closedDays: ['2026-13-01'] }), base)).toThrow(
    /config\.operatingHours\.closedDays\.0: expected a date YYYY-MM-DD/,
  );
  expect(() =>
    parseNodeConfig(withHours({ exceptions: { lockout: { from: '06:00', to: '06:00' } } }), base),
  ).toThrow(/config\.operatingHours\.exceptions\.lockout: from and to must differ/);
  expect(() => parseNodeConfig(withHours({ hours: '09:00-17:00' }), base)).toThrow(/config\.operatingHours/);
});
