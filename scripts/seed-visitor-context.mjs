// The demo's visitor context (scripts/seed-local.mjs): a signed-in customer of the host platform,
// linked to their account and an open request, with verified attributes (as a user-token or the
// REST API sets them) and the page's unverified ones, in one ended chat with a rating, so the
// console's context panel has something to show after `npm start`. The page trail lives in the
// conversation's room, which a seed cannot start: start a chat on /demo/ to see one live.

const MIN = 60_000;
const q = (s) => (s === null ? "NULL" : typeof s === "number" ? String(s) : `'${String(s).replaceAll("'", "''")}'`);
const values = (row) => `(${row.map(q).join(", ")})`;

export function visitorContextSql(now) {
  const at = now - 50 * MIN;
  const messages = [
    [1, "cv_demo_context-q", "visitor", null, "Olli Oksanen", "Our March payroll run shows two extra employees. Can you check before it is paid?", at, null],
    [2, "system:joined:2", "system", null, "Parley", "Dana Demo joined the chat", at + 1 * MIN, JSON.stringify({ kind: "joined", agent: { id: "ag_demo", name: "Dana Demo" } })],
    [3, "cv_demo_context-a", "agent", "ag_demo", "Dana Demo", "Hi Olli, I see request PAY-2291 on your account. The two extra rows are last month's leavers; I have removed them.", at + 3 * MIN, null],
    [4, "cv_demo_context-t", "visitor", null, "Olli Oksanen", "Great, thank you!", at + 5 * MIN, null],
    [5, "system:ended:5", "system", null, "Parley", "Chat ended by the visitor", at + 6 * MIN, JSON.stringify({ kind: "ended", reason: "visitor" })],
  ];
  const attributes = [
    ["contact", "ct_demo_context", "plan", JSON.stringify("payroll-pro"), 1],
    ["contact", "ct_demo_context", "employees", JSON.stringify(48), 1],
    ["contact", "ct_demo_context", "customer_since", JSON.stringify("2019"), 1],
    ["conversation", "cv_demo_context", "payroll_month", JSON.stringify("2026-03"), 1],
    ["conversation", "cv_demo_context", "cart", JSON.stringify("Payroll add-on (trial)"), 0],
    ["conversation", "cv_demo_context", "portal_theme", JSON.stringify("dark"), 0],
  ];
  return `
INSERT INTO accounts (workspace_id, id, name, external_id, created_at)
  VALUES ('ws_demo', 'ac_demo_context', 'Oksanen Logistics Oy', 'crm-acct-1042', ${at - 400 * 24 * 60 * MIN}) ON CONFLICT DO NOTHING;
INSERT INTO contacts (workspace_id, id, name, email, external_id, account_id, created_at)
  VALUES ('ws_demo', 'ct_demo_context', 'Olli Oksanen', 'olli@oksanen-logistics.example', 'crm-user-77', 'ac_demo_context', ${at - 400 * 24 * 60 * MIN})
  ON CONFLICT DO NOTHING;
INSERT INTO conversations (workspace_id, id, channel_id, contact_id, subject, topic, fields, locale, status, agent_id, archived, created_at, last_seq,
    last_message_at, last_author_name, activity_at, ended_at, ended_reason, satisfied, rating, feedback_comment, request_id)
  VALUES ${values(["ws_demo", "cv_demo_context", "ch_demo", "ct_demo_context", messages[0][5], "Payroll", JSON.stringify({ company: "Oksanen Logistics Oy" }), "en", "ended", "ag_demo", 0, at, 5, at + 6 * MIN, "Parley", at + 6 * MIN, at + 6 * MIN, "visitor", 1, 5, "Quick and clear, thanks!", "PAY-2291"])}
  ON CONFLICT DO NOTHING;
INSERT INTO messages (workspace_id, conversation_id, seq, client_id, author_type, author_id, author_name, body, created_at, event)
  VALUES ${messages.map((m) => values(["ws_demo", "cv_demo_context", ...m])).join(",\n    ")}
  ON CONFLICT DO NOTHING;
INSERT INTO custom_attributes (workspace_id, subject_type, subject_id, key, value, verified, updated_at)
  VALUES ${attributes.map((a) => values(["ws_demo", ...a, at])).join(",\n    ")}
  ON CONFLICT DO NOTHING;`;
}
