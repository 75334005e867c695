import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { createTestPki, type TestNode } from '../crypto/testing/test-pki.js';
import { verifyCanonical } from '../crypto/signature.js';
import type { NodeId } from '../domain/node-id.js';
import { parseEnvelope, signingInput, type UnsignedEnvelope } from '../protocol/index.js';
import { createFixedClock } from '../shared/clock.js';
import { signEnvelope } from './envelope-signing.js';
import { enqueueMessage } from './outbox.js';

const MUNICIPALITY = 'muni-131059' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;
const OTHER_PREFECTURE = 'pref-27' as NodeId;

let sender: TestNode;
let sign: (unsigned: UnsignedEnvelope) => string;

beforeAll(async () => {
  const pki = await createTestPki();
  sender = await pki.issue(MUNICIPALITY);
  sign = (unsigned) => signEnvelope(unsigned, sender.privateKeyPem).sig;
});

describeEachEngine('enqueueMessage()', ({ openFresh }) => {
  it('enqueueMessage() stores a signed envelope with seq 1, then 2, on a channel', async () => {
    const store = await openFresh();
    const clock = createFixedClock(new Date('2024-04-01T09:30:00.000Z'));
    const first = await store.transaction((trx) =>
      enqueueMessage(trx, { from: MUNICIPALITY, to: PREFECTURE, type: 'node.ping', body: {}, sign, clock }),
    );
    const second = await store.transaction((trx) =>
      enqueueMessage(trx, {
        from: MUNICIPALITY,
        to: PREFECTURE,
        type: 'node.ping',
        body: { note: 'b' },
        sign,
        clock,
      }),
    );
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first.at).toBe('2024-04-01T09:30:00.000Z');

    const rows = await store.db.selectFrom('outbox').selectAll().orderBy('seq').execute();
    expect(rows.map((row) => [row.id, row.peer, Number(row.seq), row.type, row.delivered_at])).toEqual([
      [first.id, PREFECTURE, 1, 'node.ping', null],
      [second.id, PREFECTURE, 2, 'node.ping', null],
    ]);
    const stored = parseEnvelope(JSON.parse(rows[1]!.envelope));
    expect(stored).toEqual(second);
    expect(verifyCanonical(signingInput(stored), stored.sig, sender.certificatePem)).toBe(true);
  });

  it('enqueueMessage() leaves no message and consumes no seq when the transaction fails after it', async () => {
    const store = await openFresh();
    await store.transaction((trx) =>
      enqueueMessage(trx, { from: MUNICIPALITY, to: PREFECTURE, type: 'node.ping', body: {}, sign }),
    );
    const failure = new Error('the state change failed');
    await expect(
      store.transaction(async (trx) => {
        await enqueueMessage(trx, { from: MUNICIPALITY, to: PREFECTURE, type: 'node.ping', body: {}, sign });
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await store.db.selectFrom('outbox').select('seq').execute()).toHaveLength(1);
    const channel = await store.db.selectFrom('outbox_channel').selectAll().executeTakeFirstOrThrow();
    expect(Number(channel.next_seq)).toBe(2);
    const next = await store.transaction((trx) =>
      enqueueMessage(trx, { from: MUNICIPALITY, to: PREFECTURE, type: 'node.ping', body: {}, sign }),
    );
    expect(next.seq).toBe(2);
  });

  it('enqueueMessage() gives 100 concurrent enqueues on one channel the seqs 1 to 100, each once', async () => {
    const store = await openFresh();
    const envelopes = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        store.transaction((trx) =>
          enqueueMessage(trx, {
            from: MUNICIPALITY,
            to: index % 10 === 0 ? OTHER_PREFECTURE : PREFECTURE,
            type: 'node.ping',
            body: { note: String(index) },
            sign,
          }),
        ),
      ),
    );
    const rows = await store.db.selectFrom('outbox').select(['peer', 'seq', 'id']).orderBy('seq').execute();
    const seqsOf = (peer: NodeId): number[] =>
      rows
        .filter((row) => row.peer === peer)
        .map((row) => Number(row.seq))
        .sort((a, b) => a - b);
    expect(seqsOf(PREFECTURE)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect(seqsOf(OTHER_PREFECTURE)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(new Set(envelopes.map((envelope) => envelope.id)).size).toBe(100);
  });

  it('enqueueMessage() refuses an envelope field that would not parse, before anything is stored', async () => {
    const store = await openFresh();
    await expect(
      store.transaction((trx) =>
        enqueueMessage(trx, { from: MUNICIPALITY, to: PREFECTURE, type: 'Not A Type', body: {}, sign }),
      ),
    ).rejects.toMatchObject({ code: 'JUKI_ERR_ENVELOPE_INVALID' });
    expect(await store.db.selectFrom('outbox_channel').selectAll().execute()).toEqual([]);
  });
});
