import { css, html, nothing, type TemplateResult } from "lit";
import type { PreChatField } from "../../protocol/channel";
import { validateContact, type ContactInput, type FieldErrors } from "./contact-validation";
import "./faq-suggestions";
import { define, SessionView } from "./session-view";
import { viewStyles } from "./view-styles";

/**
 * Name, email, the channel's own fields, topic and the whole question: the pre-chat form
 * ("Start chat") and, while the channel is closed, the ticket form.
 */
export class ContactForm extends SessionView {
  static override styles = [
    viewStyles,
    css`
      form {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 16px;
      }
      textarea {
        min-height: 96px;
      }
    `,
  ];
  static override properties = {
    ...SessionView.properties,
    purpose: { type: String },
    errors: { state: true },
    busy: { state: true },
    question: { state: true },
  };
  declare purpose: "chat" | "ticket";
  declare errors: FieldErrors;
  declare busy: boolean;
  declare question: string;

  constructor() {
    super();
    this.purpose = "chat";
    this.errors = {};
    this.busy = false;
    this.question = "";
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const input = this.read(e.target as HTMLFormElement);
    this.busy = true;
    this.errors =
      this.purpose === "chat" ? await this.session.startConversation(input) : await this.session.submitTicket(input);
    this.busy = false;
    if (!Object.keys(this.errors).length) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  /**
   * A field's problem goes as soon as the field is right (a server's refusal of it, as soon as it
   * changes); a new problem waits for the next submit, so nobody is scolded mid-word.
   */
  private revalidate(e: Event): void {
    const name = (e.target as HTMLInputElement).name;
    const channel = this.session.channel;
    if (!channel || !this.errors[name]) return;
    const now = validateContact(this.read(e.currentTarget as HTMLFormElement), channel);
    if (now[name]) return;
    const { [name]: _fixed, ...rest } = this.errors;
    this.errors = rest;
  }

  private read(form: HTMLFormElement): ContactInput {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "");
    return {
      name: text("name"),
      email: text("email"),
      topic: text("topic"),
      fields: Object.fromEntries(
        (this.session.channel?.preChatFields ?? []).map((f) => [f.key, text(`field:${f.key}`)] as const).filter(([, v]) => v),
      ),
      message: text("message"),
    };
  }

  /** A labelled control with its problem announced right next to it. */
  private field(name: string, label: string, required: boolean, control: (describedBy: string | typeof nothing) => TemplateResult) {
    const error = this.errors[name];
    const errorId = `${name}-error`.replace(/[^\w-]/g, "-");
    return html`<div class="field">
      <label for=${name}>${label}${required ? html`<span class="req" aria-hidden="true">*</span>` : nothing}</label>
      ${control(error ? errorId : nothing)}
      ${error ? html`<p class="error" id=${errorId} role="alert">${this.session.problem(error)}</p>` : nothing}
    </div>`;
  }

  private invalid(name: string): "true" | "false" {
    return this.errors[name] ? "true" : "false";
  }

  private customField(field: PreChatField) {
    const name = `field:${field.key}`;
    return this.field(name, field.label, field.required, (describedBy) =>
      field.type === "select"
        ? html`<select id=${name} name=${name} aria-required=${field.required} aria-invalid=${this.invalid(name)} aria-describedby=${describedBy}>
            <option value=""></option>
            ${(field.options ?? []).map((o) => html`<option ?selected=${o === this.session.draft?.fields[field.key]}>${o}</option>`)}
          </select>`
        : html`<input id=${name} name=${name} type=${field.type} maxlength="500" aria-required=${field.required}
            value=${this.session.draft?.fields[field.key] ?? ""}
            aria-invalid=${this.invalid(name)} aria-describedby=${describedBy} />`,
    );
  }

  override render() {
    const session = this.session;
    const channel = session.channel;
    if (!channel) return nothing;
    const t = session.t.bind(session);
    const identity = session.options.identity;
    const draft = session.draft;
    const wanted = draft?.topic || session.options.topic;
    const presetTopic = channel.topics.includes(wanted) ? wanted : "";
    return html`
      <form novalidate @submit=${this.submit} @input=${this.revalidate} @change=${this.revalidate}>
        ${session.currentGone ? html`<p class="notice warning" role="status">${t("conversationGone")}</p>` : nothing}
        ${this.purpose === "chat" ? html`<p>${t("greeting")}</p>` : nothing}
        ${this.field("name", t("name"), true, (d) =>
          html`<input id="name" name="name" autocomplete="name" maxlength="120" aria-required="true"
            value=${draft?.name ?? identity?.userName ?? ""} aria-invalid=${this.invalid("name")} aria-describedby=${d} />`,
        )}
        ${this.field("email", t("email"), true, (d) =>
          html`<input id="email" name="email" type="email" autocomplete="email" maxlength="254" aria-required="true"
            value=${draft?.email ?? identity?.userEmail ?? ""} aria-invalid=${this.invalid("email")} aria-describedby=${d} />`,
        )}
        ${channel.preChatFields.map((f) => this.customField(f))}
        ${channel.topics.length
          ? this.field("topic", t("topic"), false, (d) =>
              html`<select id="topic" name="topic" aria-invalid=${this.invalid("topic")} aria-describedby=${d}>
                <option value="">${t("chooseTopic")}</option>
                ${channel.topics.map((topic) => html`<option ?selected=${topic === presetTopic}>${topic}</option>`)}
              </select>`,
            )
          : nothing}
        ${this.field("message", t("message"), true, (d) =>
          html`<textarea id="message" name="message" rows="4" maxlength=${channel.maxMessageLength} aria-required="true"
            placeholder=${t("messagePlaceholder")} aria-invalid=${this.invalid("message")} aria-describedby=${d}
            .defaultValue=${draft?.message ?? ""}
            @input=${(e: InputEvent) => (this.question = (e.target as HTMLTextAreaElement).value)}></textarea>`,
        )}
        ${this.purpose === "chat" && channel.faqSuggestions
          ? html`<parley-faq-suggestions .session=${session} .query=${this.question}></parley-faq-suggestions>`
          : nothing}
        ${this.errors.form ? html`<p class="error" role="alert">${session.problem(this.errors.form)}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy} aria-busy=${this.busy ? "true" : "false"}>
          ${t(this.purpose === "chat" ? "startChat" : "sendTicket")}
        </button>
      </form>
    `;
  }
}

define("parley-contact-form", ContactForm);
