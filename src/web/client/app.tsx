// The terminal application's shell: the node in the header, the screen for the path (ログイン, 初期設定, ホーム,
// 住民検索, 届出, 審査, 本人確認（カード）, 広域交付, 運用時間, 操作者管理, 自己操作履歴, システム状態, and the residents' 付記転出届
// page), the operator's session, and the return to ログイン when it ends after inactivity.

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getJson, messageOf, onApiEvents, postJson, type SessionView } from './api.js';
import { CardConfirmationScreen } from './card-confirmation-screen.js';
import { DisclosureScreen } from './disclosure-screen.js';
import { ExaminationScreen } from './examination-screen.js';
import { HomeScreen } from './home-screen.js';
import { LoginScreen } from './login-screen.js';
import { OperatorsScreen } from './operators-screen.js';
import { mayExamine } from './notification-kinds.js';
import { NotificationsScreen } from './notifications-screen.js';
import { OperatingHoursScreen } from './operating-hours-screen.js';
import { OwnLogScreen } from './own-log-screen.js';
import { ResidentMoveOutScreen } from './resident-move-out-screen.js';
import { ResidentScreen } from './resident-screen.js';
import { SetupScreen } from './setup-screen.js';
import { ROLE_NAMES, StatusView, useNodeStatus } from './status-view.js';
import { WideAreaScreen } from './wide-area-screen.js';

const VIEWS = {
  '/': 'ホーム',
  '/login': 'ログイン',
  '/setup': '初期設定',
  '/residents': '住民検索',
  '/notifications': '届出',
  '/examination': '審査',
  '/cards': '本人確認（カード）',
  '/disclosure': '本人確認情報開示',
  '/wide-area': '広域交付',
  '/operating-hours': '運用時間',
  '/operators': '操作者管理',
  '/log': '自己操作履歴',
  '/status': 'システム状態',
  '/resident/move-out': '付記転出届（オンライン）',
} as const;
type ViewPath = keyof typeof VIEWS;

/** Paths shown without a session. */
const PUBLIC_PATHS: readonly ViewPath[] = ['/login', '/setup', '/status', '/resident/move-out'];
/** The idle timer fires a little after the server's limit, so the server has certainly ended the session. */
const IDLE_MARGIN_MS = 2_000;

function pathOf(pathname: string): ViewPath {
  return pathname in VIEWS ? (pathname as ViewPath) : '/';
}

/** The record named in /residents?id=…, which 住民票照会 opens at once. */
function residentIdOf(search: string): string | undefined {
  return new URLSearchParams(search).get('id') ?? undefined;
}

export function App() {
  const { status, error } = useNodeStatus();
  const [path, setPath] = useState<ViewPath>(() => pathOf(window.location.pathname));
  const [residentId, setResidentId] = useState(() => residentIdOf(window.location.search));
  const [session, setSession] = useState<SessionView | undefined>();
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  /** Counts navigations: a menu link to the screen already shown opens it afresh (the 届出 menu, not the last form). */
  const [visit, setVisit] = useState(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const navigate = useCallback((next: ViewPath, options: { replace?: boolean; residentId?: string } = {}) => {
    const target =
      options.residentId === undefined ? next : `${next}?id=${encodeURIComponent(options.residentId)}`;
    if (`${window.location.pathname}${window.location.search}` !== target) {
      if (options.replace === true) history.replaceState(null, '', target);
      else history.pushState(null, '', target);
    }
    setResidentId(options.residentId);
    setPath(next);
    setVisit((previous) => previous + 1);
  }, []);

  const endSession = useCallback(
    (code: string | undefined) => {
      clearTimeout(idleTimer.current);
      setSession(undefined);
      setNotice(code === 'JUKI_ERR_SESSION_EXPIRED' ? messageOf(code) : undefined);
      if (!PUBLIC_PATHS.includes(pathOf(window.location.pathname))) navigate('/login', { replace: true });
    },
    [navigate],
  );

  // Every answered call restarts the idle timer; when it fires the session is checked and, ended, leads to ログイン.
  useEffect(() => {
    onApiEvents({
      activity: () => {
        clearTimeout(idleTimer.current);
        const limit = sessionRef.current?.idleTimeoutMs;
        if (limit === undefined) return;
        idleTimer.current = setTimeout(() => {
          getJson('/api/session').catch(() => undefined);
        }, limit + IDLE_MARGIN_MS);
      },
      sessionEnded: (code) => {
        if (sessionRef.current !== undefined) endSession(code);
      },
    });
  }, [endSession]);
  useEffect(() => {
    const onPop = (): void => {
      setPath(pathOf(window.location.pathname));
      setResidentId(residentIdOf(window.location.search));
    };
    window.addEventListener('popstate', onPop);
    getJson<SessionView>('/api/session')
      .then((current) => {
        sessionRef.current = current;
        setSession(current);
      })
      .catch((caught: unknown) => {
        if (!(caught instanceof ApiError)) throw caught;
      })
      .finally(() => setChecked(true));
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    if (status !== undefined) document.title = `${VIEWS[path]} — ${status.name} — 住基ネット`;
  }, [status, path]);

  async function logout(): Promise<void> {
    await postJson('/api/logout').catch(() => undefined);
    clearTimeout(idleTimer.current);
    setSession(undefined);
    setNotice('ログアウトしました');
    navigate('/login');
  }

  const loggedIn = session !== undefined;
  const shown: ViewPath = !checked
    ? path
    : !loggedIn && !PUBLIC_PATHS.includes(path)
      ? '/login'
      : loggedIn && (path === '/login' || path === '/setup')
        ? '/'
        : path;
  const isAdministrator = session?.operator.rights['operator-administration'].includes('write') === true;
  const maySearch = session?.operator.rights['resident-search'].includes('read') === true;
  const mayNotify =
    session !== undefined &&
    (session.operator.rights.notification.includes('write') ||
      session.operator.rights['official-action'].includes('write'));
  const mayDecide = session !== undefined && mayExamine(session.operator);
  // Cards and the common operating hours live at a municipality's counter only.
  const municipal = status?.role === 'municipality';
  const mayConfirmCards = municipal && session?.operator.rights['identity-inquiry'].includes('read') === true;
  const mayIssueWideArea =
    municipal && session?.operator.rights['wide-area-copy'].includes('execute') === true;
  const mayArrangeHours = municipal && session?.operator.rights['operating-hours'].includes('write') === true;
  const mayReadHours = municipal && session?.operator.rights['operating-hours'].includes('read') === true;
  // 本人確認情報開示 at the national centre's and the prefectures' windows only.
  const mayDisclose =
    (status?.role === 'national' || status?.role === 'prefecture') &&
    session?.operator.rights['self-disclosure'].includes('execute') === true;

  return (
    <>
      <header className="bar">
        <span className="brand">住基ネット</span>
        {status && (
          <span className="node">
            {status.name === ROLE_NAMES[status.role]
              ? status.name
              : `${status.name}（${ROLE_NAMES[status.role]}）`}
          </span>
        )}
        {session && (
          <span className="who" data-testid="header-operator">
            {session.operator.displayName}
          </span>
        )}
      </header>
      <nav aria-label="メニュー" className="menu">
        <ul>
          {loggedIn ? (
            <>
              <li>
                <NavLink to="/" current={shown} onGo={navigate} />
              </li>
              {maySearch && (
                <li>
                  <NavLink to="/residents" current={shown} onGo={navigate} />
                </li>
              )}
              {mayNotify && (
                <li>
                  <NavLink to="/notifications" current={shown} onGo={navigate} />
                </li>
              )}
              {mayDecide && (
                <li>
                  <NavLink to="/examination" current={shown} onGo={navigate} />
                </li>
              )}
              {mayConfirmCards && (
                <li>
                  <NavLink to="/cards" current={shown} onGo={navigate} />
                </li>
              )}
              {mayIssueWideArea && (
                <li>
                  <NavLink to="/wide-area" current={shown} onGo={navigate} />
                </li>
              )}
              {mayDisclose && (
                <li>
                  <NavLink to="/disclosure" current={shown} onGo={navigate} />
                </li>
              )}
              {mayArrangeHours && (
                <li>
                  <NavLink to="/operating-hours" current={shown} onGo={navigate} />
                </li>
              )}
              {isAdministrator && (
                <li>
                  <NavLink to="/operators" current={shown} onGo={navigate} />
                </li>
              )}
              <li>
                <NavLink to="/log" current={shown} onGo={navigate} />
              </li>
            </>
          ) : (
            <li>
              <NavLink to="/login" current={shown} onGo={navigate} />
            </li>
          )}
          <li>
            <NavLink to="/status" current={shown} onGo={navigate} />
          </li>
          {loggedIn && (
            <li>
              <button type="button" onClick={() => void logout()}>
                ログアウト
              </button>
            </li>
          )}
        </ul>
      </nav>
      <main>
        {!checked && shown !== '/status' ? (
          <p aria-busy="true">読み込み中…</p>
        ) : (
          <Content
            key={visit}
            shown={shown}
            session={session}
            notice={notice}
            statusError={error}
            status={status}
            onLoggedIn={(next) => {
              sessionRef.current = next;
              setSession(next);
              setNotice(undefined);
              navigate('/', { replace: true });
            }}
            onSetupDone={() => navigate('/login')}
            onGo={navigate}
            residentId={residentId}
            mayNotify={mayNotify}
            mayDecide={mayDecide}
            mayConfirmCards={mayConfirmCards}
            mayIssueWideArea={mayIssueWideArea}
            mayArrangeHours={mayArrangeHours}
            mayReadHours={mayReadHours}
            mayDisclose={mayDisclose}
          />
        )}
      </main>
    </>
  );
}

function Content(props: {
  shown: ViewPath;
  session: SessionView | undefined;
  notice: string | undefined;
  statusError: string | undefined;
  status: ReturnType<typeof useNodeStatus>['status'];
  onLoggedIn: (session: SessionView) => void;
  onSetupDone: () => void;
  onGo: (path: ViewPath, options?: { residentId?: string }) => void;
  residentId: string | undefined;
  /** The operator may enter 届出 or 職権 acts, and may confirm them: ホーム links to 届出 and 審査. */
  mayNotify: boolean;
  mayDecide: boolean;
  /** The operator may confirm identities with a card (本人確認（カード）) and record operating hours exceptions. */
  mayConfirmCards: boolean;
  /** The operator may issue wide-area copies (広域交付) at this municipality. */
  mayIssueWideArea: boolean;
  mayArrangeHours: boolean;
  /** ホーム says whether the common operating hours are open. */
  mayReadHours: boolean;
  /** The operator may make a self-disclosure (本人確認情報開示) at this national or prefectural window. */
  mayDisclose: boolean;
}) {
  const { shown, session } = props;
  switch (shown) {
    case '/login':
      return <LoginScreen notice={props.notice} onLoggedIn={props.onLoggedIn} />;
    case '/setup':
      return <SetupScreen onDone={props.onSetupDone} />;
    case '/resident/move-out':
      return <ResidentMoveOutScreen />;
    case '/status':
      return (
        <>
          {props.statusError !== undefined && (
            <p role="alert" className="error">
              {props.statusError}
            </p>
          )}
          {props.status === undefined ? (
            props.statusError === undefined && <p aria-busy="true">読み込み中…</p>
          ) : (
            <StatusView status={props.status} />
          )}
        </>
      );
    case '/operators':
      return session && <OperatorsScreen self={session.operator} />;
    case '/residents':
      return (
        session && (
          <ResidentScreen
            key={props.residentId}
            operator={session.operator}
            initialResidentId={props.residentId}
          />
        )
      );
    case '/notifications':
      return (
        session && (
          <NotificationsScreen operator={session.operator} onOpenSearch={() => props.onGo('/residents')} />
        )
      );
    case '/examination':
      return (
        session && (
          <ExaminationScreen
            operator={session.operator}
            onOpenResident={(id) => props.onGo('/residents', { residentId: id })}
          />
        )
      );
    case '/cards':
      return session && props.mayConfirmCards && <CardConfirmationScreen operator={session.operator} />;
    case '/wide-area':
      return session && props.mayIssueWideArea && <WideAreaScreen />;
    case '/operating-hours':
      return session && props.mayArrangeHours && <OperatingHoursScreen />;
    case '/disclosure':
      return session && props.mayDisclose && <DisclosureScreen />;
    case '/log':
      return <OwnLogScreen />;
    case '/':
      return (
        session && (
          <HomeScreen
            operator={session.operator}
            onOpenSearch={() => props.onGo('/residents')}
            onOpenNotifications={props.mayNotify ? () => props.onGo('/notifications') : undefined}
            onOpenExamination={props.mayDecide ? () => props.onGo('/examination') : undefined}
            onOpenCards={props.mayConfirmCards ? () => props.onGo('/cards') : undefined}
            onOpenWideArea={props.mayIssueWideArea ? () => props.onGo('/wide-area') : undefined}
            onOpenOperatingHours={props.mayArrangeHours ? () => props.onGo('/operating-hours') : undefined}
            onOpenDisclosure={props.mayDisclose ? () => props.onGo('/disclosure') : undefined}
            showOperatingHours={props.mayReadHours}
          />
        )
      );
  }
}

function NavLink({ to, current, onGo }: { to: ViewPath; current: ViewPath; onGo: (path: ViewPath) => void }) {
  return (
    <a
      href={to}
      aria-current={current === to ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        onGo(to);
      }}
    >
      {VIEWS[to]}
    </a>
  );
}
