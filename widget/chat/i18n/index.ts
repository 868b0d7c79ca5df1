import type { Locale } from "../../../protocol/channel";
import type { Strings } from "./en";

// One chunk per locale: a visitor downloads only their own language.
const loaders: Record<Locale, () => Promise<Strings>> = {
  en: () => import("./en").then((m) => m.en),
  fi: () => import("./fi").then((m) => m.fi),
  sv: () => import("./sv").then((m) => m.sv),
  no: () => import("./no").then((m) => m.no),
  da: () => import("./da").then((m) => m.da),
  de: () => import("./de").then((m) => m.de),
  nl: () => import("./nl").then((m) => m.nl),
  it: () => import("./it").then((m) => m.it),
};

export const loadStrings = (locale: Locale): Promise<Strings> => loaders[locale]();
