import type { Locale } from "../../protocol/channel";
import { LOCALES } from "../../protocol/limits";

/**
 * The launcher's own words, and what to say when nothing else could be loaded, in every locale:
 * they are needed before (or without) the rest of the widget.
 */
export const launcherStrings: Record<Locale, Record<"openChat" | "closeChat" | "unread" | "loadFailed" | "retry", string>> = {
  en: {
    openChat: "Open chat",
    closeChat: "Close chat",
    unread: "Unread messages: {count}",
    loadFailed: "The chat could not be loaded. Check your connection and try again.",
    retry: "Try again",
  },
  fi: {
    openChat: "Avaa chat",
    closeChat: "Sulje chat",
    unread: "Lukemattomia viestejä: {count}",
    loadFailed: "Chattia ei voitu ladata. Tarkista yhteys ja yritä uudelleen.",
    retry: "Yritä uudelleen",
  },
  sv: {
    openChat: "Öppna chatten",
    closeChat: "Stäng chatten",
    unread: "Olästa meddelanden: {count}",
    loadFailed: "Chatten kunde inte laddas. Kontrollera anslutningen och försök igen.",
    retry: "Försök igen",
  },
  no: {
    openChat: "Åpne chat",
    closeChat: "Lukk chat",
    unread: "Uleste meldinger: {count}",
    loadFailed: "Chatten kunne ikke lastes. Sjekk tilkoblingen og prøv igjen.",
    retry: "Prøv igjen",
  },
  da: {
    openChat: "Åbn chat",
    closeChat: "Luk chat",
    unread: "Ulæste beskeder: {count}",
    loadFailed: "Chatten kunne ikke indlæses. Tjek forbindelsen, og prøv igen.",
    retry: "Prøv igen",
  },
  de: {
    openChat: "Chat öffnen",
    closeChat: "Chat schließen",
    unread: "Ungelesene Nachrichten: {count}",
    loadFailed: "Der Chat konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    retry: "Erneut versuchen",
  },
  nl: {
    openChat: "Chat openen",
    closeChat: "Chat sluiten",
    unread: "Ongelezen berichten: {count}",
    loadFailed: "De chat kon niet worden geladen. Controleer uw verbinding en probeer het opnieuw.",
    retry: "Opnieuw proberen",
  },
  it: {
    openChat: "Apri la chat",
    closeChat: "Chiudi la chat",
    unread: "Messaggi non letti: {count}",
    loadFailed: "Impossibile caricare la chat. Controlla la connessione e riprova.",
    retry: "Riprova",
  },
};

export type LauncherKey = keyof (typeof launcherStrings)["en"];

/** The `locale` attribute if given, else the browser's language; Norwegian Bokmål and Nynorsk are "no". */
export function resolveLocale(requested: string | null | undefined): Locale {
  for (const tag of [requested, ...navigator.languages, navigator.language]) {
    const language = tag?.toLowerCase().split(/[-_]/)[0];
    const candidate = language === "nb" || language === "nn" ? "no" : language;
    if (candidate && (LOCALES as readonly string[]).includes(candidate)) return candidate as Locale;
  }
  return "en";
}

/** Fills `{name}` placeholders. */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}
