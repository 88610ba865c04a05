import type { Insertable } from 'kysely';
import type { CallLegsTable, CallsTable } from '../src/store/voice-schema.ts';
import type { TestServer } from './helpers/test-server.ts';

const S = 1000;

/**
 * Six calls over two days: answered by Sales; missed by Sales and answered by Support; hung up
 * while Sales's console rang; no agent free; answered by Sales and transferred to Support; an
 * agent's invitation the visitor declined. And three callbacks. Every figure of the calls report
 * over these is known in advance (see voice-reports.test.ts). The rescheduled callback is due at
 * `rescheduledDue` (DAY1 by default): once it is due, the server's dispatcher queues it.
 */
export async function seedCallScenario(
  srv: TestServer,
  DAY1: number,
  DAY2: number,
  rescheduledDue = DAY1,
): Promise<{ sales: string; support: string }> {
  const { db } = srv.node.ctx.store;
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const sales = users.find((u) => u.email === 'sales@demo.beckon.local')!.id;
  const support = users.find((u) => u.email === 'support@demo.beckon.local')!.id;

  const { store: st } = srv.node.ctx;
  const { accountId, siteId, skillIds } = srv.demo!;
  let n = 0;
  const call = async (
    skill: 'sales' | 'support',
    at: number,
    c: Partial<Insertable<CallsTable>>,
    legs: Array<Partial<CallLegsTable>>,
  ) => {
    n++;
    const conv = await st.conversations.create(
      {
        accountId,
        siteId,
        visitorId: `v-report-${n}`,
        skillId: skillIds[skill],
        source: 'visitor',
        status: 'closed',
        closedBy: 'visitor',
        tokenHash: `t${n}`,
      },
      at,
    );
    const id = `call_report_${n}`;
    await st.db
      .insertInto('calls')
      .values({
        id,
        account_id: accountId,
        conversation_id: conv.id,
        skill_id: skillIds[skill],
        started_by: 'visitor',
        state: 'ended',
        agent_id: null,
        ringing_agent_id: null,
        ring_deadline: null,
        tried: '[]',
        leg: 0,
        requested_at: at,
        ringing_at: at,
        answered_at: null,
        ended_at: at + 200 * S,
        ended_by: 'visitor',
        end_reason: 'hangup',
        talk_ms: null,
        wait_ms: null,
        held_ms: 0,
        held_since: null,
        transfers: 0,
        updated_at: at,
        ...c,
      })
      .execute();
    let i = 0;
    for (const l of legs)
      await st.db
        .insertInto('call_legs')
        .values({
          id: `${id}_${i++}`,
          account_id: accountId,
          call_id: id,
          agent_id: sales,
          rang_at: at,
          answered_at: null,
          ended_at: null,
          end: null,
          ...l,
        })
        .execute();
  };
  const t1 = DAY1;
  await call('sales', t1, { agent_id: sales, answered_at: t1 + 10 * S, talk_ms: 120 * S, held_ms: 20 * S }, [
    { answered_at: t1 + 10 * S, ended_at: t1 + 130 * S, end: 'ended' },
  ]);
  const t2 = DAY1 + 3_600_000;
  await call('sales', t2, { agent_id: support, answered_at: t2 + 30 * S, talk_ms: 60 * S }, [
    { ended_at: t2 + 20 * S, end: 'missed' },
    {
      agent_id: support,
      rang_at: t2 + 20 * S,
      answered_at: t2 + 30 * S,
      ended_at: t2 + 90 * S,
      end: 'ended',
    },
  ]);
  const t3 = DAY1 + 7_200_000;
  await call('sales', t3, {}, [{ ended_at: t3 + 5 * S, end: 'abandoned' }]);
  const t4 = DAY1 + 10_800_000;
  await call('sales', t4, { ended_by: 'system', end_reason: 'no_agent' }, []);
  const t5 = DAY2;
  await call('support', t5, { agent_id: support, answered_at: t5 + 4 * S, talk_ms: 130 * S, transfers: 1 }, [
    { answered_at: t5 + 4 * S, ended_at: t5 + 64 * S, end: 'transferred' },
    {
      agent_id: support,
      rang_at: t5 + 64 * S,
      answered_at: t5 + 74 * S,
      ended_at: t5 + 134 * S,
      end: 'ended',
    },
  ]);
  const t6 = DAY2 + 3_600_000;
  await call('support', t6, { started_by: 'agent', agent_id: sales, end_reason: 'declined' }, []);

  const callback = async (status: string, outcome: string | null, attempts: number) =>
    st.db
      .insertInto('callbacks')
      .values({
        id: `cb_report_${status}_${outcome}`,
        account_id: accountId,
        site_id: siteId,
        conversation_id: 'conv-x',
        skill_id: skillIds.sales,
        phone: '+44 20 7946 0958',
        topic: null,
        window_start: DAY1,
        window_end: DAY1 + 3_600_000,
        due_at: status === 'scheduled' ? rescheduledDue : DAY1,
        status: status as 'done',
        task_conversation_id: null,
        outcome,
        attempts,
        created_at: DAY1,
        updated_at: DAY1,
      })
      .execute();
  await callback('done', 'reached', 1);
  await callback('scheduled', 'rescheduled', 1);
  await callback('done', 'no_answer', 2);
  return { sales, support };
}
