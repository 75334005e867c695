// The `Database` types match the tables on every engine: each table takes a row and gives back the same row, and
// the keys and unique constraints the message layer relies on are enforced.

import type { Insertable, Selectable } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import {
  fromIsoTimestamp,
  isUniqueViolation,
  toIsoTimestamp,
  type Database,
  type OutboxTable,
  type SecurityEventTable,
} from './index.js';

const AT = '2024-04-01T09:30:00.000Z';

describeEachEngine('Database schema', ({ openFresh }) => {
  it('every table takes a row of its type and gives the same row back', async () => {
    const store = await openFresh();
    const rows: { [T in Exclude<keyof Database, 'security_event'>]: Insertable<Database[T]> } = {
      outbox_channel: { peer: 'pref-13', next_seq: 3 },
      outbox: {
        id: '01890a5d-ac96-774b-bcce-b302099a8057',
        peer: 'pref-13',
        seq: 2,
        type: 'identity.changed',
        envelope: '{"signed":true}',
        created_at: AT,
        attempts: 1,
        next_attempt_at: AT,
        last_error: 'Peer cannot be reached',
        delivered_at: null,
      },
      inbox_channel: { from_node: 'national', last_seq: 9 },
      inbox: { from_node: 'national', id: 'm-9', seq: 9, type: 'code.assigned', received_at: AT },
      inbox_pending: { from_node: 'national', seq: 11, id: 'm-11', envelope: '{}', received_at: AT },
      meta: { key: 'owner', value: 'muni-131059' },
      code_pool: { code: '12345678906', block_id: 'b-1', generated_at: AT },
      code_block: { id: 'b-1', holder: 'pref-13', request_id: 'r-1', size: 500, granted_at: AT },
      code_holding: {
        code: '12345678906',
        block_id: 'b-1',
        received_at: AT,
        granted_to: 'muni-131059',
        granted_block: 'b-2',
        granted_at: AT,
        taken_at: null,
      },
      identity_version: {
        resident_code: '12345678906',
        version: 1,
        lg_code: '131059',
        info: '{"name":"試験 太郎"}',
        reason: 'birth',
        change_date: '2024-03-30',
        recorded_at: AT,
        origin: 'muni-131059',
        message_id: 'm-1',
        closed: 0,
      },
      identity_current: {
        resident_code: '12345678906',
        version: 1,
        lg_code: '131059',
        info: '{"name":"試験 太郎"}',
        reason: 'birth',
        change_date: '2024-03-30',
        closed: 0,
      },
      relay_seen: { original_from: 'muni-131059', original_id: 'm-1', relayed_by: 'pref-13', seen_at: AT },
      household: {
        id: 'h-1',
        head_resident_id: 'r-1',
        address: '東京都文京区本郷一丁目1番1号',
        created_at: AT,
      },
      resident: {
        id: 'r-1',
        resident_code: '12345678906',
        household_id: 'h-1',
        state: '{"name":"試験 太郎"}',
        version: 1,
        closed: 0,
        created_at: AT,
        updated_at: AT,
      },
      resident_action: {
        id: 'a-1',
        resident_id: 'r-1',
        seq: 1,
        kind: 'birth',
        payload: '{}',
        filed_on: '2024-04-01',
        effective_on: '2024-03-30',
        recorded_at: AT,
        operator: null,
      },
      operator: {
        id: 'op-1',
        login_name: 'suzuki',
        display_name: '鈴木 一郎',
        role: 'counter-clerk',
        rights_overrides: '{"grant":[],"revoke":[]}',
        password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        disabled: 0,
        failed_logins: 2,
        created_at: AT,
        updated_at: AT,
      },
      operator_credential: {
        id: 'Y3JlZGVudGlhbA',
        operator_id: 'op-1',
        public_key: 'cHVibGljLWtleQ',
        // Above PostgreSQL's integer: the signature counter is an unsigned 32-bit number.
        counter: 4_294_967_295,
        transports: '["usb","nfc"]',
        created_at: AT,
        last_used_at: null,
      },
      operator_challenge: {
        id: 'c-1',
        purpose: 'login',
        challenge: 'Y2hhbGxlbmdl',
        operator_id: 'op-1',
        actor_id: null,
        terminal: 'terminal-01',
        created_at: AT,
        expires_at: AT,
      },
      operator_session: {
        id: 's-1',
        operator_id: 'op-1',
        terminal: 'terminal-01',
        created_at: AT,
        last_seen_at: AT,
        ended_at: AT,
        ended_reason: 'logout',
      },
      operation_log: {
        seq: 1,
        at: AT,
        operator_id: null,
        terminal: 'terminal-01',
        function: 'login',
        access: 'execute',
        records: '["12345678906"]',
        outcome: 'refused',
        error_code: 'JUKI_ERR_LOGIN_PASSWORD',
        prev_hash: '0'.repeat(64),
        hash: 'f'.repeat(64),
      },
      linkage_applied: {
        action_id: '018e972b-9680-7811-83ee-a7b19caad6b1',
        resident_code: '12345678906',
        applied_at: AT,
        source: 'import',
      },
      notification: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b2',
        kind: 'move-within',
        status: 'applied',
        resident_id: 'r-1',
        household_id: null,
        request: '{"address":"東京都文京区白山三丁目3番3号"}',
        late: 1,
        entered_by: 'op-1',
        entered_at: AT,
        decided_by: 'op-2',
        decided_at: AT,
        reason: null,
        results: '[]',
      },
      card_application: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b3',
        resident_id: 'r-1',
        kind: 'new',
        replaces_card_id: null,
        face_version: 'A',
        identity_check: '{"method":"photo-id"}',
        card_id: 'c0ffee00c0ffee00',
        transport_key: null,
        certificate_fingerprint: 'ab:cd',
        valid_from: '2024-04-01',
        valid_until: '2034-03-31',
        notice_number: '1310592024000001',
        collect_until: '2024-06-30',
        applied_by: 'op-1',
        applied_at: AT,
        issuer_municipality: null,
      },
      card_event: {
        application_id: '018e972b-9680-7811-83ee-a7b19caad6b3',
        seq: 1,
        kind: 'applied',
        operator: 'op-1',
        at: AT,
        detail: '{}',
      },
      card_status: {
        card_id: 'c0ffee00c0ffee00',
        issuer: 'muni-131059',
        fingerprint: 'ab:cd',
        state: 'suspended',
        changed_at: AT,
        recorded_at: AT,
      },
      operating_exception: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b4',
        service: 'wide-area-copy',
        municipalities: '["131059","312011"]',
        starts_at: AT,
        ends_at: '2024-04-01T13:00:00.000Z',
        reason: '災害対応',
        arranged_by: '文京区区民課 山田, 鳥取市市民課 田中',
        recorded_by: 'op-1',
        recorded_at: AT,
        withdrawn_by: null,
        withdrawn_at: null,
      },
      card_confirmation: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b5',
        card_id: 'c0ffee00c0ffee00',
        issuer_municipality: '131059',
        resident_code: '12345678901',
        fingerprint: 'ab:cd',
        face_version: 'A',
        valid_from: '2024-04-01',
        valid_until: '2034-03-31',
        operator: 'op-1',
        confirmed_at: AT,
        expires_at: '2024-04-01T10:00:00.000Z',
      },
      card_unlock: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b6',
        card_id: 'c0ffee00c0ffee00',
        issuer_municipality: '131059',
        identity_check: '{"method":"photo-id"}',
        operator: 'op-1',
        at: AT,
      },
      wide_area_answer: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b6',
        requested_by_node: 'muni-312011',
        requested_by: '312011',
        answered_at: AT,
        resident_code: '12345678906',
        codes_answered: '["12345678906"]',
        whole_household: 1,
        admission_basis: 'window',
      },
      wide_area_copy: {
        id: '018e972b-9680-7811-83ee-a7b19caad6b7',
        issued_at: AT,
        operator: 'op-1',
        requester_method: 'photo-id',
        document_type: 'drivers-license',
        document_number: '301234567890',
        card_confirmation_id: null,
        address_lg_code: '131059',
        resident_code: '12345678906',
        codes_printed: '["12345678906"]',
        fee: 300,
        pages: 1,
        answer_id: '018e972b-9680-7811-83ee-a7b19caad6b6',
        admission_basis: 'window',
      },
      special_move_out_info: {
        id: '018e972b-9680-7811-83ee-a7b19caad6c1',
        notice_id: '018e972b-9680-7811-83ee-a7b19caad6c0',
        source_lg_code: '131059',
        resident_code: '12345678903',
        confirmation_id: '018e972b-9680-7811-83ee-a7b19caad6b5',
        card_id: 'c0ffee00c0ffee00',
        planned_date: '2024-04-10',
        info: '{"noticeId":"018e972b-9680-7811-83ee-a7b19caad6c0"}',
        received_by: 'op-1',
        received_at: AT,
        used_at: null,
        used_by: null,
      },
      special_move_event: {
        id: '018e972b-9680-7811-83ee-a7b19caad6c2',
        at: AT,
        kind: 'out-info-answered',
        notice_id: '018e972b-9680-7811-83ee-a7b19caad6c0',
        peer: '312011',
        resident_codes: '["12345678903"]',
        operator: null,
        outcome: 'ok',
        error_code: null,
        detail: '{}',
      },
      affair_registry: {
        version: 2,
        effective_date: '2025-04-01',
        document: '{"version":2}',
        signature: 'c2lnbmF0dXJl',
        signer_certificate: '-----BEGIN CERTIFICATE-----',
        loaded_at: AT,
      },
      agency: {
        id: 'agency-mhlw',
        kind: 'mhlw',
        name: '厚生労働省',
        affairs: '["mhlw-unemployment-benefit"]',
        registry_version: 1,
        registered_at: AT,
        updated_at: AT,
      },
      provision_log: {
        id: '018e972b-9680-7811-83ee-a7b19caad6c3',
        at: AT,
        agency: 'agency-mhlw',
        affair: 'mhlw-unemployment-benefit',
        registry_version: 1,
        method: 'online',
        query: 'four-items',
        as_of: '2024-03-01',
        count: 1,
        truncated: 0,
        resident_codes: '["12345678903"]',
      },
      provision_log_code: {
        provision_id: '018e972b-9680-7811-83ee-a7b19caad6c3',
        resident_code: '12345678903',
      },
      file_delivery_report: {
        node: 'pref-13',
        file: 'affair-registry',
        version: 2,
        outcome: 'refused',
        detail: 'JUKI_ERR_REGISTRY_SIGNATURE: the signature does not verify',
        reported_at: AT,
      },
      provision_batch: {
        id: '018e972b-9680-7811-83ee-a7b19caad6c4',
        agency: 'agency-mhlw',
        affair: 'mhlw-unemployment-benefit',
        registry_version: 1,
        status: 'processing',
        agency_certificate: '-----BEGIN CERTIFICATE-----',
        input_bytes: 4096,
        input_parts: 1,
        total_lines: 2000,
        processed_lines: 1000,
        found_lines: 900,
        not_found_lines: 50,
        invalid_lines: 40,
        too_many_lines: 10,
        result_parts: 1,
        error: null,
        created_at: AT,
        updated_at: AT,
        completed_at: null,
      },
      provision_batch_part: {
        batch_id: '018e972b-9680-7811-83ee-a7b19caad6c4',
        kind: 'result',
        part_index: 0,
        data: Buffer.from([0, 1, 2, 255]),
        lines: 1000,
      },
      disclosure_log: {
        id: '018e972b-9680-7811-83ee-a7b19caad6c5',
        at: AT,
        kind: 'window',
        disclosure_id: '018e972b-9680-7811-83ee-a7b19caad6c5',
        requested_by: '018e972b-9680-7811-83ee-a7b19caad6c6',
        card_id: 'c0ffee00c0ffee00',
        resident_codes: '["12345678903"]',
        provision_ids: '["national:018e972b-9680-7811-83ee-a7b19caad6c3"]',
        sources: '[{"node":"national","state":"answered","count":1}]',
        complete: 1,
      },
    };
    for (const [table, row] of Object.entries(rows)) {
      await store.db
        .insertInto(table as keyof typeof rows)
        .values(row)
        .execute();
      expect(
        await store.db
          .selectFrom(table as keyof typeof rows)
          .selectAll()
          .execute(),
      ).toEqual([row]);
    }
  });

  it('outbox.attempts defaults to 0 and its optional columns to null', async () => {
    const store = await openFresh();
    await store.db
      .insertInto('outbox')
      .values({ id: 'm-1', peer: 'national', seq: 1, type: 't', envelope: '{}', created_at: AT })
      .execute();
    const row: Selectable<OutboxTable> = await store.db
      .selectFrom('outbox')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 0, next_attempt_at: null, last_error: null, delivered_at: null });
  });

  it('security_event numbers its rows itself, in order', async () => {
    const store = await openFresh();
    for (const kind of ['peer.refused', 'signature.invalid']) {
      await store.db
        .insertInto('security_event')
        .values({ at: AT, kind, peer: null, detail: JSON.stringify({ kind }) })
        .execute();
    }
    const rows: Selectable<SecurityEventTable>[] = await store.db
      .selectFrom('security_event')
      .selectAll()
      .orderBy('id')
      .execute();
    expect(rows.map((row) => [row.id, row.kind])).toEqual([
      [1, 'peer.refused'],
      [2, 'signature.invalid'],
    ]);
  });

  it('counts come back as numbers on both engines', async () => {
    const store = await openFresh();
    await store.db
      .insertInto('meta')
      .values([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ])
      .execute();
    const { count } = await store.db
      .selectFrom('meta')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(count).toBe(2);
  });

  it('rejects a second inbox row with the same (from_node, id), and isUniqueViolation() recognises it', async () => {
    const store = await openFresh();
    const row = { from_node: 'national', id: 'm-1', seq: 1, type: 't', received_at: AT };
    await store.db.insertInto('inbox').values(row).execute();
    const error: unknown = await store.db
      .insertInto('inbox')
      .values({ ...row, seq: 2 })
      .execute()
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('rejects a second message at the same sequence number, in the inbox and in the outbox', async () => {
    const store = await openFresh();
    await store.db
      .insertInto('inbox')
      .values({ from_node: 'national', id: 'm-1', seq: 1, type: 't', received_at: AT })
      .execute();
    const inboxError: unknown = await store.db
      .insertInto('inbox')
      .values({ from_node: 'national', id: 'm-2', seq: 1, type: 't', received_at: AT })
      .execute()
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(inboxError)).toBe(true);

    const message = { peer: 'pref-13', seq: 1, type: 't', envelope: '{}', created_at: AT };
    await store.db
      .insertInto('outbox')
      .values({ id: 'o-1', ...message })
      .execute();
    const outboxError: unknown = await store.db
      .insertInto('outbox')
      .values({ id: 'o-2', ...message })
      .execute()
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(outboxError)).toBe(true);
  });

  it('rejects a missing primary key and a NOT NULL column left null, which are not unique violations', async () => {
    const store = await openFresh();
    const error: unknown = await store.db
      .insertInto('meta')
      .values({ key: null as unknown as string, value: 'x' })
      .execute()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(false);
  });

  it('rejects a value of the wrong type in an integer column', async () => {
    const store = await openFresh();
    await expect(
      store.db
        .insertInto('inbox_channel')
        .values({ from_node: 'national', last_seq: 'seven' as unknown as number })
        .execute(),
    ).rejects.toThrow();
  });
});

describe('isUniqueViolation()', () => {
  it('is false for anything that is not a constraint error object', () => {
    for (const value of [
      undefined,
      null,
      'SQLITE_CONSTRAINT_UNIQUE',
      23505,
      new Error('x'),
      { code: '23503' },
    ]) {
      expect(isUniqueViolation(value)).toBe(false);
    }
  });
});

describe('toIsoTimestamp()', () => {
  it('writes UTC ISO-8601 text whose order is time order, and fromIsoTimestamp() reads it back', () => {
    const earlier = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const later = new Date(Date.UTC(2024, 10, 2, 3, 4, 5, 6));
    expect(toIsoTimestamp(earlier)).toBe('2024-01-02T03:04:05.006Z');
    expect(toIsoTimestamp(earlier) < toIsoTimestamp(later)).toBe(true);
    expect(fromIsoTimestamp(toIsoTimestamp(later))).toEqual(later);
  });
});
