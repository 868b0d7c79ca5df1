// Six weeks of realistic history for the demo workspace, so Reports shows real charts after
// `npm start`: conversations (archived, so today's inbox stays as it was), their messages, their
// facts, and a few tickets. Deterministic: a seeded PRNG and days counted back from today (UTC), so
// every seed of the same day writes the same rows, and ON CONFLICT DO NOTHING makes a re-seed harmless.

const DAY = 86_400_000;
const MIN = 60_000;
export const HISTORY_DAYS = 42;

/** mulberry32: small, fast, and the same numbers on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENTS = [
  ["ag_demo", "Dana Demo"],
  ["ag_demo_mika", "Mika Mäkinen"],
  ["ag_demo_sara", "Sara Lind"],
];
const TOPICS = ["Invoicing", "Payroll", "Taxes", "Something else"];
const QUESTIONS = {
  Invoicing: ["How do I send an invoice to a new customer?", "Can I change the due date of an invoice?", "Why was my e-invoice rejected?"],
  Payroll: ["When will the salaries be paid this month?", "How do I add a new employee to payroll?", "The payslip shows the wrong tax rate"],
  Taxes: ["When is the VAT return due?", "Do I need to report this expense?", "How do I get my tax card updated?"],
  "Something else": ["I cannot log in to the portal", "Where do I upload receipts?", "Can we book a meeting next week?"],
};
const COMMENTS = {
  good: ["Quick and clear, thank you!", "Solved in minutes.", "Very helpful, as always.", "Great service", "Thanks Mika, that was exactly it."],
  bad: ["I had to wait far too long.", "Did not really answer my question.", "Had to explain everything twice."],
};
const FIRST = ["Aino", "Eero", "Liisa", "Oskar", "Helmi", "Ville", "Noora", "Juho", "Emma", "Lauri", "Sofia", "Antti", "Iida", "Mikko", "Ella"];
const LAST = ["Korhonen", "Virtanen", "Nieminen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salonen"];

const q = (s) => (s === null || s === undefined ? "NULL" : typeof s === "number" ? String(s) : `'${String(s).replaceAll("'", "''")}'`);
const row = (values) => `(${values.map(q).join(", ")})`;

/** A plausible human delay: mostly short, sometimes long (log-normal around `median`). */
function delay(rand, median, spread = 0.8) {
  const u = Math.max(1e-9, rand());
  const v = rand();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(median * Math.exp(spread * normal));
}

/** The SQL for the history, ending yesterday (UTC) so that today belongs to live use. */
export function historySql(now, passwordHash) {
  const rand = prng(15);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const today = Math.floor(now / DAY) * DAY;
  const contacts = [];
  const conversations = [];
  const messages = [];
  const facts = [];
  const tickets = [];
  for (let i = 0; i < 120; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    contacts.push([`ws_demo`, `ct_hist_${i}`, name, `${name.toLowerCase().replace(/[^a-z]+/g, ".")}${i}@example.com`, today - (HISTORY_DAYS + 1) * DAY]);
  }
  let n = 0;
  for (let d = HISTORY_DAYS; d >= 1; d--) {
    const dayStart = today - d * DAY;
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
    const weekend = weekday >= 5;
    // Busier early in the week and a slow rise over the six weeks, as a growing office would see.
    const volume = weekend ? 2 + Math.floor(rand() * 4) : Math.round((16 - weekday * 1.5 + (HISTORY_DAYS - d) / 8) * (0.8 + rand() * 0.4));
    for (let k = 0; k < volume; k++) {
      // Helsinki office hours, in UTC (06–15), with a lunch dip; a few in the evening.
      const hour = weekend || rand() < 0.1 ? 15 + Math.floor(rand() * 5) : pick([6, 7, 7, 8, 8, 8, 9, 9, 10, 11, 11, 12, 12, 13, 14]);
      const createdAt = dayStart + hour * 60 * MIN + Math.floor(rand() * 60 * MIN);
      const id = `cv_hist_${String(++n).padStart(4, "0")}`;
      const contact = `ct_hist_${Math.floor(rand() * 120)}`;
      const topic = pick(TOPICS);
      const question = pick(QUESTIONS[topic]);
      const [agentId, agentName] = pick(AGENTS);
      const contactName = contacts[Number(contact.slice(8))][2];
      const missed = rand() < (weekend ? 0.25 : 0.07);
      const msgs = [[1, `${id}-q`, "visitor", null, contactName, question, createdAt, null]];
      let fact;
      if (missed) {
        const endedAt = createdAt + delay(rand, 4 * MIN);
        msgs.push([2, `system:ended:2`, "system", null, "Parley", "The visitor left the chat", endedAt, JSON.stringify({ kind: "ended", reason: "visitor_left" })]);
        fact = { agentId: null, acceptedAt: null, firstReplyAt: null, endedAt, reason: "visitor_left" };
      } else {
        const acceptedAt = createdAt + Math.max(10_000, delay(rand, (weekend ? 4 : 1.2) * MIN));
        const firstReplyAt = acceptedAt + Math.max(8_000, delay(rand, 40_000, 0.6));
        const endedAt = firstReplyAt + Math.max(MIN, delay(rand, 11 * MIN, 0.7));
        msgs.push(
          [2, `system:joined:2`, "system", null, "Parley", `${agentName} joined the chat`, acceptedAt, JSON.stringify({ kind: "joined", agent: { id: agentId, name: agentName } })],
          [3, `${id}-a`, "agent", agentId, agentName, `Hi ${contactName.split(" ")[0]}, happy to help. Let me check that for you.`, firstReplyAt, null],
          [4, `${id}-t`, "visitor", null, contactName, "Thank you!", endedAt - 30_000, null],
          [5, `system:ended:5`, "system", null, "Parley", "Chat ended by the visitor", endedAt, JSON.stringify({ kind: "ended", reason: "visitor" })],
        );
        fact = { agentId, acceptedAt, firstReplyAt, endedAt, reason: "visitor" };
      }
      let satisfied = null;
      let rating = null;
      let comment = null;
      let feedbackGiven = 0;
      let surveySent = null;
      let surveyReplied = null;
      if (!missed) {
        if (rand() < 0.68) {
          feedbackGiven = 1;
          const slow = fact.acceptedAt - createdAt > 3 * MIN;
          satisfied = rand() < (slow ? 0.55 : 0.9) ? 1 : 0;
          rating = satisfied ? (rand() < 0.65 ? 5 : 4) : pick([1, 2, 3]);
          if (rand() < 0.3) comment = pick(satisfied ? COMMENTS.good : COMMENTS.bad);
        } else {
          surveySent = fact.endedAt + 10 * MIN;
          if (rand() < 0.35) surveyReplied = surveySent + delay(rand, 3 * 60 * MIN);
        }
      }
      const last = msgs.at(-1);
      conversations.push([
        "ws_demo", id, "ch_demo", contact, question, topic, "en", "ended", fact.agentId, 1, createdAt, msgs.length, last[6], last[4], last[6],
        fact.endedAt, fact.reason, satisfied, rating, comment,
      ]);
      for (const m of msgs) messages.push(["ws_demo", id, ...m]);
      facts.push([
        "ws_demo", id, "ch_demo", contact, topic, "visitor", createdAt, fact.acceptedAt, fact.firstReplyAt, fact.endedAt, fact.reason, fact.agentId,
        satisfied, rating, comment, feedbackGiven, surveySent, surveyReplied, 0,
        fact.acceptedAt === null ? null : fact.acceptedAt - createdAt,
        fact.firstReplyAt === null ? null : fact.firstReplyAt - createdAt,
        fact.acceptedAt === null ? null : fact.endedAt - fact.acceptedAt,
      ]);
    }
    if (weekday < 5 && rand() < 0.5) {
      const t = tickets.length + 1;
      tickets.push(["ws_demo", `tk_hist_${t}`, 5000 + t, "ch_demo_closed", `ct_hist_${Math.floor(rand() * 120)}`, "Can you call me back tomorrow?", dayStart + 17 * 60 * MIN]);
    }
  }
  // D1 refuses a statement past 100 KB: 100 rows at a time stays far below it.
  const insert = (table, columns, rows) => {
    const out = [];
    for (let i = 0; i < rows.length; i += 100) {
      out.push(`INSERT INTO ${table} (${columns}) VALUES\n${rows.slice(i, i + 100).map(row).join(",\n")}\nON CONFLICT DO NOTHING;\n`);
    }
    return out.join("");
  };
  return [
    insert("agents", "workspace_id, id, email, name, role, password_hash, created_at", [
      ["ws_demo", "ag_demo_mika", "mika@parley.test", "Mika Mäkinen", "agent", passwordHash, today - 60 * DAY],
      ["ws_demo", "ag_demo_sara", "sara@parley.test", "Sara Lind", "agent", passwordHash, today - 60 * DAY],
    ]),
    insert("contacts", "workspace_id, id, name, email, created_at", contacts),
    insert(
      "conversations",
      "workspace_id, id, channel_id, contact_id, subject, topic, locale, status, agent_id, archived, created_at, last_seq, last_message_at, last_author_name, activity_at, ended_at, ended_reason, satisfied, rating, feedback_comment",
      conversations,
    ),
    insert("messages", "workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at, event", messages),
    insert(
      "conversation_facts",
      "workspace_id, conversation_id, channel_id, contact_id, topic, origin, created_at, accepted_at, first_agent_reply_at, ended_at, ended_reason, agent_id, satisfied, rating, comment, feedback_given, survey_sent_at, survey_replied_at, reopened, wait_ms, first_response_ms, resolution_ms",
      facts,
    ),
    insert("tickets", "workspace_id, id, number, channel_id, contact_id, question, created_at", tickets),
    // History is not news: the triggers' notifications for these old messages are not kept.
    "DELETE FROM notifications WHERE workspace_id = 'ws_demo' AND conversation_id LIKE 'cv_hist_%';\n",
  ].join("\n");
}
