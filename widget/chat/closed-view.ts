import { css, html, nothing } from "lit";
import "./contact-form";
import { describeWeek, timeZoneName } from "./opening-hours";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";

const reasonMessage = { closed: "closedMessage", no_agents: "noAgentsMessage", queue_full: "queueFullMessage" } as const;

/** Outside opening hours, with nobody available or the queue full: says so, shows the hours, and takes a ticket. */
export class ClosedView extends SessionView {
  static override styles = [
    viewStyles,
    css`
      .intro {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding: 16px 16px 0;
      }
      .lead {
        font-size: 16px;
        font-weight: 600;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 14px;
      }
      th {
        text-align: left;
        font-weight: 400;
        padding: 3px 16px 3px 0;
        vertical-align: top;
      }
      td {
        padding: 3px 0;
        text-align: right;
        vertical-align: top;
        font-variant-numeric: tabular-nums;
      }
      .range {
        white-space: nowrap;
      }
      .done {
        margin: 16px;
      }
    `,
  ];

  override render() {
    const session = this.session;
    const channel = session.channel;
    if (!channel) return nothing;
    const t = session.t.bind(session);
    const locale = session.options.locale;
    const hours = channel.openingHours;
    return html`
      <div class="intro">
        <p class="lead" data-autofocus tabindex="-1">
          ${t(reasonMessage[channel.availability.reason ?? "closed"])}
        </p>
        ${hours
          ? html`<h3 id="hours-title">${t("openingHours")}</h3>
              <table aria-labelledby="hours-title">
                ${describeWeek(hours, locale).map(
                  (row) => html`<tr>
                    <th scope="row">${row.days}</th>
                    <td>
                      ${row.hours.length
                        ? row.hours.map((range, i) => html`${i ? ", " : ""}<span class="range">${range}</span>`)
                        : t("closedDay")}
                    </td>
                  </tr>`,
                )}
              </table>
              <p class="hint">${t("openingHoursZone", { zone: timeZoneName(hours.timeZone, locale) })}</p>`
          : nothing}
        ${channel.ticketSubmission ? (session.ticket ? nothing : html`<p>${t("leaveMessage")}</p>`) : html`<p>${t("tryLater")}</p>`}
      </div>
      ${session.ticket
        ? html`<p class="notice success done" role="status">${t("ticketCreated", { reference: session.ticket.reference })}</p>`
        : channel.ticketSubmission
          ? html`<parley-contact-form .session=${session} purpose="ticket"></parley-contact-form>`
          : nothing}
    `;
  }
}

define("parley-closed-view", ClosedView);
