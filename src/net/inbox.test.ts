import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { createTestPki, type TestNode } from '../crypto/testing/test-pki.js';
import type { NodeId } from '../domain/node-id.js';
import {
  ALL_MESSAGES,
  createMessageRegistry,
  createUnsignedEnvelope,
  type Envelope,
} from '../protocol/index.js';
import { JukinetError } from '../shared/errors.js';
import type { Store } from '../store/index.js';
import { signEnvelope } from './envelope-signing.js';
import { receiveEnvelopes, type Ack, type InboxSecurityEvent, type ReceiveOptions } from './inbox.js';
import { createAppliedLog, readAppliedLog, recordingApply } from './testing/delivery-log.js';

const MUNICIPALITY = 'muni-131059' as NodeId;
const OTHER_MUNICIPALITY = 'muni-272175' as NodeId;
const PREFECTURE = 'pref-13' as NodeId;

let sender: TestNode;
let impostor: TestNode;
const registry = createMessageRegistry(ALL_MESSAGES);

beforeAll(async () => {
  const pki = await createTestPki();
  sender = await pki.issue(MUNICIPALITY);
  impostor = await pki.issue(OTHER_MUNICIPALITY);
});

function envelope(
  seq: number,
  options?: { to?: NodeId; from?: NodeId; key?: string; body?: unknown },
): Envelope {
  const unsigned = createUnsignedEnvelope({
    type: 'node.ping',
    from: options?.from ?? MUNICIPALITY,
    to: options?.to ?? PREFECTURE,
    seq,
    body: options?.body ?? { note: `message ${seq}` },
  });
  return signEnvelope(unsigned, options?.key ?? sender.privateKeyPem);
}

async function receive(
  store: Store,
  envelopes: readonly unknown[],
  options?: Partial<Omit<ReceiveOptions, 'envelopes'>>,
): Promise<Ack[]> {
  return receiveEnvelopes(store, {
    self: PREFECTURE,
    envelopes,
    authenticatedPeer: MUNICIPALITY,
    senderCertificate: (nodeId) =>
      nodeId === MUNICIPALITY
        ? sender.certificatePem
        : nodeId === OTHER_MUNICIPALITY
          ? impostor.certificatePem
          : undefined,
    registry,
    apply: recordingApply(),
    ...options,
  });
}

async function lastSeq(store: Store, from: NodeId = MUNICIPALITY): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('inbox_channel')
    .select('last_seq')
    .where('from_node', '=', from)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.last_seq);
}

describeEachEngine('receiveEnvelopes()', ({ openFresh }) => {
  async function freshStore(): Promise<Store> {
    const store = await openFresh();
    await createAppliedLog(store);
    return store;
  }

  it('receiveEnvelopes() applies a message once when it is delivered twice', async () => {
    const store = await freshStore();
    const first = envelope(1);
    expect(await receive(store, [first])).toEqual([{ id: first.id, seq: 1, status: 'applied' }]);
    expect(await receive(store, [first, envelope(2)])).toEqual([
      { id: first.id, seq: 1, status: 'duplicate' },
      expect.objectContaining({ seq: 2, status: 'applied' }),
    ]);
    const applied = await readAppliedLog(store);
    expect(applied.map((row) => row.seq)).toEqual([1, 2]);
    expect(applied[0]!.id).toBe(first.id);
    expect(await lastSeq(store)).toBe(2);
    const inbox = await store.db.selectFrom('inbox').select(['id', 'seq']).orderBy('seq').execute();
    expect(inbox.map((row) => Number(row.seq))).toEqual([1, 2]);
  });

  it('receiveEnvelopes() holds messages that arrive after a gap and applies them in order when it fills', async () => {
    const store = await freshStore();
    const [one, two, three, four] = [envelope(1), envelope(2), envelope(3), envelope(4)];
    expect(await receive(store, [three])).toEqual([{ id: three.id, seq: 3, status: 'held' }]);
    expect(await receive(store, [four, three])).toEqual([
      { id: four.id, seq: 4, status: 'held' },
      { id: three.id, seq: 3, status: 'held' },
    ]);
    expect(await readAppliedLog(store)).toEqual([]);
    expect(await store.db.selectFrom('inbox_pending').select('seq').execute()).toHaveLength(2);

    expect(await receive(store, [one])).toEqual([{ id: one.id, seq: 1, status: 'applied' }]);
    expect((await readAppliedLog(store)).map((row) => row.seq)).toEqual([1]);

    expect(await receive(store, [two])).toEqual([{ id: two.id, seq: 2, status: 'applied' }]);
    const applied = await readAppliedLog(store);
    expect(applied.map((row) => [row.seq, row.id])).toEqual([
      [1, one.id],
      [2, two.id],
      [3, three.id],
      [4, four.id],
    ]);
    expect(await lastSeq(store)).toBe(4);
    expect(await store.db.selectFrom('inbox_pending').selectAll().execute()).toEqual([]);
    expect(await receive(store, [three])).toEqual([{ id: three.id, seq: 3, status: 'duplicate' }]);
  });

  it('receiveEnvelopes() refuses a bad signature, records a security event and applies nothing', async () => {
    const store = await freshStore();
    const events: InboxSecurityEvent[] = [];
    const forged = envelope(1, { key: impostor.privateKeyPem });
    const acks = await receive(store, [forged, envelope(2)], {
      onSecurityEvent: (event) => events.push(event),
    });
    expect(acks).toMatchObject([
      { id: forged.id, seq: 1, status: 'rejected', error: { code: 'JUKI_ERR_SIGNATURE_INVALID' } },
    ]);
    expect(acks[0]?.status === 'rejected' && acks[0].error.message).toContain('signature does not verify');
    expect(await readAppliedLog(store)).toEqual([]);
    expect(await store.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
    expect(await lastSeq(store)).toBeUndefined();
    const logged = await store.db.selectFrom('security_event').selectAll().execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: 'bad-signature', peer: MUNICIPALITY });
    expect(JSON.parse(logged[0]!.detail)).toMatchObject({ id: forged.id, from: MUNICIPALITY, seq: 1 });
    expect(events).toEqual([expect.objectContaining({ kind: 'bad-signature', peer: MUNICIPALITY })]);
  });

  it('receiveEnvelopes() refuses a signature over a changed body', async () => {
    const store = await freshStore();
    const tampered = { ...envelope(1), body: { note: 'changed in transit' } };
    const [ack] = await receive(store, [tampered]);
    expect(ack).toMatchObject({ status: 'rejected', error: { code: 'JUKI_ERR_SIGNATURE_INVALID' } });
    expect(await readAppliedLog(store)).toEqual([]);
    expect(await store.db.selectFrom('security_event').select('kind').execute()).toEqual([
      { kind: 'bad-signature' },
    ]);
  });

  it('receiveEnvelopes() refuses a message addressed to another node', async () => {
    const store = await freshStore();
    const [ack] = await receive(store, [envelope(1, { to: 'pref-27' as NodeId })]);
    expect(ack).toMatchObject({ seq: 1, status: 'rejected', error: { code: 'JUKI_ERR_MESSAGE_NOT_FOR_US' } });
    expect(await readAppliedLog(store)).toEqual([]);
    expect(await lastSeq(store)).toBeUndefined();
  });

  it('receiveEnvelopes() refuses a message whose sender is not the authenticated peer, and logs it', async () => {
    const store = await freshStore();
    // Correctly signed by OTHER_MUNICIPALITY, but presented over MUNICIPALITY's link.
    const relayed = envelope(1, { from: OTHER_MUNICIPALITY, key: impostor.privateKeyPem });
    const [ack] = await receive(store, [relayed]);
    expect(ack).toMatchObject({ status: 'rejected', error: { code: 'JUKI_ERR_MESSAGE_SENDER_MISMATCH' } });
    expect(await readAppliedLog(store)).toEqual([]);
    expect(await store.db.selectFrom('security_event').select(['kind', 'peer']).execute()).toEqual([
      { kind: 'sender-mismatch', peer: MUNICIPALITY },
    ]);
  });

  it('receiveEnvelopes() refuses a different message at a seq already applied', async () => {
    const store = await freshStore();
    await receive(store, [envelope(1)]);
    const other = envelope(1);
    const [ack] = await receive(store, [other]);
    expect(ack).toMatchObject({
      id: other.id,
      status: 'rejected',
      error: { code: 'JUKI_ERR_MESSAGE_SEQ_CONFLICT' },
    });
    expect(await readAppliedLog(store)).toHaveLength(1);
  });

  it('receiveEnvelopes() refuses a different message at a seq already held', async () => {
    const store = await freshStore();
    await receive(store, [envelope(3)]);
    const [ack] = await receive(store, [envelope(3)]);
    expect(ack).toMatchObject({ status: 'rejected', error: { code: 'JUKI_ERR_MESSAGE_SEQ_CONFLICT' } });
    expect(await store.db.selectFrom('inbox_pending').select('seq').execute()).toHaveLength(1);
  });

  it('receiveEnvelopes() stops at the first refused envelope and keeps what it committed before', async () => {
    const store = await freshStore();
    const acks = await receive(store, [envelope(1), { v: 1, id: 'not-an-id', seq: 2 }, envelope(3)]);
    expect(acks.map((ack) => ack.status)).toEqual(['applied', 'rejected']);
    expect(acks[1]).toMatchObject({ id: 'not-an-id', seq: 2, error: { code: 'JUKI_ERR_ENVELOPE_INVALID' } });
    expect((await readAppliedLog(store)).map((row) => row.seq)).toEqual([1]);
    expect(await store.db.selectFrom('inbox_pending').selectAll().execute()).toEqual([]);
  });

  it('receiveEnvelopes() commits nothing for a message its apply refuses, and takes it once apply accepts', async () => {
    const store = await freshStore();
    const message = envelope(1);
    const refusing = recordingApply({
      refuse: () => new JukinetError('JUKI_ERR_IDENTITY_INFO_INVALID', 'refused by the test'),
    });
    const [refused] = await receive(store, [message], { apply: refusing });
    expect(refused).toMatchObject({ status: 'rejected', error: { code: 'JUKI_ERR_IDENTITY_INFO_INVALID' } });
    expect(await store.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
    expect(await lastSeq(store)).toBe(undefined);
    expect(await receive(store, [message])).toEqual([{ id: message.id, seq: 1, status: 'applied' }]);
  });

  it('receiveEnvelopes() keeps the envelopes before one its apply refuses, and none of the refused one’s writes', async () => {
    const store = await freshStore();
    const record = recordingApply();
    // Writes its effect, then refuses seq 2: the write must not survive, seq 1 must, seq 3 is not looked at.
    const refuseSecond: typeof record = async (trx, envelope, body) => {
      await record(trx, envelope, body);
      if (envelope.seq === 2) throw new JukinetError('JUKI_ERR_IDENTITY_INFO_INVALID', 'refused by the test');
    };
    const acks = await receive(store, [envelope(1), envelope(2), envelope(3)], { apply: refuseSecond });
    expect(acks.map((ack) => ack.status)).toEqual(['applied', 'rejected']);
    expect(acks[1]).toMatchObject({ seq: 2, error: { code: 'JUKI_ERR_IDENTITY_INFO_INVALID' } });
    expect((await readAppliedLog(store)).map((row) => row.seq)).toEqual([1]);
    expect(
      (await store.db.selectFrom('inbox').select('seq').execute()).map((row) => Number(row.seq)),
    ).toEqual([1]);
    expect(await lastSeq(store)).toBe(1);
  });

  it('receiveEnvelopes() refuses a body its type does not allow', async () => {
    const store = await freshStore();
    const [ack] = await receive(store, [envelope(1, { body: { note: 'x'.repeat(300) } })]);
    expect(ack).toMatchObject({ status: 'rejected', error: { code: 'JUKI_ERR_MESSAGE_BODY_INVALID' } });
  });

  it('receiveEnvelopes() applies each message once when the same batch arrives twice at the same time', async () => {
    const store = await freshStore();
    const batch = Array.from({ length: 20 }, (_, index) => envelope(index + 1));
    const [a, b] = await Promise.all([receive(store, batch), receive(store, batch)]);
    for (const acks of [a, b])
      expect(acks.every((ack) => ack.status === 'applied' || ack.status === 'duplicate')).toBe(true);
    const applied = await readAppliedLog(store);
    expect(applied.map((row) => row.seq)).toEqual(batch.map((message) => message.seq));
    expect(await lastSeq(store)).toBe(20);
  });
});
