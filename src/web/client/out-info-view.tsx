// The 転出証明書情報 of the one-visit move as the terminal shows it, read-only (docs/special-move.md): where the persons
// move from and to, the planned date and the last day of the special procedure, and each person's items as the old
// municipality sent them. The 特例転入届 form and 審査 show it the same way.

import type { MoveOutCertificateInfo } from '../../protocol/index.js';
import { localGovernmentName, warekiOf } from './card-views.js';

/** What POST /api/special-move/out-info and GET /api/special-move/out-info/:id answer as `outInfo`. */
export type OutInfoView = MoveOutCertificateInfo & {
  /** This node's id of the information received: the 特例転入届's `outInfoId`. */
  readonly id: string;
  readonly receivedAt: string;
  /** When a move-in used it; null until then. */
  readonly usedAt: string | null;
};

const SEX_LABELS: Readonly<Record<string, string>> = { male: '男', female: '女' };

/** The information received, as a list of facts and a table of the persons (the card holder first). */
export function OutInfoSummary({ outInfo }: { outInfo: OutInfoView }) {
  return (
    <div data-testid="out-info">
      <dl className="facts">
        <dt>転出元</dt>
        <dd>{localGovernmentName(outInfo.sourceLgCode)}</dd>
        <dt>転出元の住所</dt>
        <dd>{outInfo.address}</dd>
        {outInfo.householdHead !== undefined && (
          <>
            <dt>世帯主</dt>
            <dd>{outInfo.householdHead}</dd>
          </>
        )}
        <dt>転出先（届出）</dt>
        <dd>
          {localGovernmentName(outInfo.destination.lgCode)} {outInfo.destination.address}
        </dd>
        <dt>転出予定年月日</dt>
        <dd>{warekiOf(outInfo.plannedDate)}</dd>
        <dt>付記転出届の届出日</dt>
        <dd>{warekiOf(outInfo.filedOn)}</dd>
        <dt>特例による転入の期限</dt>
        <dd data-testid="out-info-limit">{warekiOf(outInfo.limitDate)}</dd>
      </dl>
      <table data-testid="out-info-persons">
        <caption>転入する者（{outInfo.persons.length}人）</caption>
        <thead>
          <tr>
            <th scope="col">氏名</th>
            <th scope="col">生年月日</th>
            <th scope="col">性別</th>
            <th scope="col">続柄</th>
            <th scope="col">本籍・筆頭者</th>
            <th scope="col">住民票コード</th>
          </tr>
        </thead>
        <tbody>
          {outInfo.persons.map((person) => (
            <tr key={person.residentCode}>
              <td>
                {person.name}
                {person.nameKana === undefined ? '' : `（${person.nameKana}）`}
              </td>
              <td>{warekiOf(person.birthDate)}</td>
              <td>{SEX_LABELS[person.sex] ?? person.sex}</td>
              <td>{person.relationship ?? ''}</td>
              <td>
                {person.domicile === undefined
                  ? ''
                  : `${person.domicile.place}（筆頭者 ${person.domicile.head}）`}
              </td>
              <td>{person.residentCode}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
