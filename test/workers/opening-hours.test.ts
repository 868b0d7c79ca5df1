import { describe, expect, it } from "vitest";
import type { OpeningHours } from "../../protocol/channel";
import { describeOpeningHours, isOpen } from "../../worker/channels/opening-hours";

const weekdays = (hours: [string, string][]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours });
const helsinkiOffice: OpeningHours = { timeZone: "Europe/Helsinki", days: weekdays([["09:00", "17:00"]]) };

const openAt = (hours: OpeningHours | null, iso: string) => isOpen(hours, new Date(iso));

describe("isOpen", () => {
  it("follows the channel's wall clock in winter and in summer (Europe/Helsinki, UTC+2 / UTC+3)", () => {
    // Monday 13 January: EET, 09:00 local is 07:00Z.
    expect(openAt(helsinkiOffice, "2025-01-13T06:59:00Z")).toBe(false);
    expect(openAt(helsinkiOffice, "2025-01-13T07:00:00Z")).toBe(true);
    expect(openAt(helsinkiOffice, "2025-01-13T14:59:00Z")).toBe(true);
    expect(openAt(helsinkiOffice, "2025-01-13T15:00:00Z")).toBe(false);
    // Monday 16 June: EEST, 09:00 local is 06:00Z; the same 06:30Z that was closed in winter is open.
    expect(openAt(helsinkiOffice, "2025-06-16T05:59:00Z")).toBe(false);
    expect(openAt(helsinkiOffice, "2025-06-16T06:30:00Z")).toBe(true);
    expect(openAt(helsinkiOffice, "2025-01-13T06:30:00Z")).toBe(false);
    expect(openAt(helsinkiOffice, "2025-06-16T14:00:00Z")).toBe(false);
  });

  it("moves with the clocks on the days around a DST change", () => {
    // Helsinki springs forward on Sunday 30 March 2025 at 03:00 → 04:00.
    expect(openAt(helsinkiOffice, "2025-03-28T07:00:00Z")).toBe(true); // Friday 09:00 EET
    expect(openAt(helsinkiOffice, "2025-03-31T06:00:00Z")).toBe(true); // Monday 09:00 EEST
    expect(openAt(helsinkiOffice, "2025-03-31T05:59:00Z")).toBe(false);
    const sundayNight: OpeningHours = { timeZone: "Europe/Helsinki", days: { sun: [["02:00", "05:00"]] } };
    expect(openAt(sundayNight, "2025-03-30T00:30:00Z")).toBe(true); // 02:30 EET
    expect(openAt(sundayNight, "2025-03-30T01:30:00Z")).toBe(true); // 04:30 EEST, after the jump
    expect(openAt(sundayNight, "2025-03-30T02:00:00Z")).toBe(false); // 05:00 EEST

    // New York falls back on Sunday 2 November 2025: 01:00–02:00 happens twice.
    const earlySunday: OpeningHours = { timeZone: "America/New_York", days: { sun: [["00:00", "01:30"]] } };
    expect(openAt(earlySunday, "2025-11-02T05:15:00Z")).toBe(true); // 01:15 EDT
    expect(openAt(earlySunday, "2025-11-02T06:15:00Z")).toBe(true); // 01:15 EST, the second time
    expect(openAt(earlySunday, "2025-11-02T06:45:00Z")).toBe(false); // 01:45 EST
  });

  it("works west of UTC too, where the local day starts hours after UTC's (America/New_York)", () => {
    const saturdays: OpeningHours = { timeZone: "America/New_York", days: { sat: [["10:00", "14:00"]] } };
    expect(openAt(saturdays, "2025-03-08T14:59:00Z")).toBe(false); // 09:59 EST
    expect(openAt(saturdays, "2025-03-08T15:00:00Z")).toBe(true); // 10:00 EST
    expect(openAt(saturdays, "2025-03-15T14:00:00Z")).toBe(true); // 10:00 EDT
    expect(openAt(saturdays, "2025-03-15T13:59:00Z")).toBe(false);
    // Saturday 01:00Z is still Friday evening in New York.
    expect(openAt(saturdays, "2025-03-15T01:00:00Z")).toBe(false);
    const fridayLate: OpeningHours = { timeZone: "America/New_York", days: { fri: [["20:00", "23:00"]] } };
    expect(openAt(fridayLate, "2025-03-15T01:00:00Z")).toBe(true); // Friday 21:00 EDT
  });

  it("keeps a day with no hours closed all day, and runs overnight hours into the next day", () => {
    const late: OpeningHours = { timeZone: "Europe/Helsinki", days: { fri: [["22:00", "02:00"]] } };
    expect(openAt(late, "2025-01-17T20:00:00Z")).toBe(true); // Friday 22:00
    expect(openAt(late, "2025-01-17T23:59:00Z")).toBe(true); // Saturday 01:59
    expect(openAt(late, "2025-01-18T00:00:00Z")).toBe(false); // Saturday 02:00
    expect(openAt(late, "2025-01-16T23:00:00Z")).toBe(false); // Friday 01:00: Thursday had no hours
    for (const hour of ["00", "06", "12", "18", "21"]) {
      expect(openAt(helsinkiOffice, `2025-01-19T${hour}:00:00Z`), `Sunday ${hour}Z`).toBe(false);
    }
    expect(openAt({ timeZone: "Europe/Helsinki", days: {} }, "2025-01-15T10:00:00Z")).toBe(false);
    const allDay: OpeningHours = { timeZone: "Europe/Helsinki", days: { wed: [["00:00", "00:00"]] } };
    expect(openAt(allDay, "2025-01-14T22:00:00Z")).toBe(true); // Wednesday 00:00
    expect(openAt(allDay, "2025-01-15T21:59:00Z")).toBe(true); // Wednesday 23:59
    expect(openAt(allDay, "2025-01-15T22:00:00Z")).toBe(false); // Thursday 00:00
  });

  it("is always open without opening hours", () => {
    for (const iso of ["2025-01-19T03:00:00Z", "2025-06-16T12:00:00Z", "2025-12-25T23:59:00Z"]) {
      expect(openAt(null, iso)).toBe(true);
    }
  });
});

describe("describeOpeningHours", () => {
  it("runs days with the same hours together, in the visitor's language", () => {
    expect(describeOpeningHours(helsinkiOffice, "en")).toBe("Mon–Fri 09:00–17:00 (Europe/Helsinki)");
    expect(describeOpeningHours(helsinkiOffice, "fi")).toBe("ma–pe 09:00–17:00 (Europe/Helsinki)");
    expect(describeOpeningHours(helsinkiOffice, "de")).toBe("Mo–Fr 09:00–17:00 (Europe/Helsinki)");
  });

  it("lists split days, breaks and gaps as they are", () => {
    const shop: OpeningHours = {
      timeZone: "America/New_York",
      days: { ...weekdays([["09:00", "12:00"], ["13:00", "17:00"]]), wed: [["09:00", "12:00"]], sat: [["10:00", "14:00"]] },
    };
    expect(describeOpeningHours(shop, "en")).toBe(
      "Mon–Tue 09:00–12:00, 13:00–17:00; Wed 09:00–12:00; Thu–Fri 09:00–12:00, 13:00–17:00; Sat 10:00–14:00 (America/New_York)",
    );
    const apart: OpeningHours = { timeZone: "Europe/Helsinki", days: { mon: [["09:00", "17:00"]], wed: [["09:00", "17:00"]] } };
    expect(describeOpeningHours(apart, "en")).toBe("Mon 09:00–17:00; Wed 09:00–17:00 (Europe/Helsinki)");
  });

  it("is empty when no day has hours, so the caller can say it is closed", () => {
    expect(describeOpeningHours({ timeZone: "Europe/Helsinki", days: { sun: [] } }, "en")).toBe("");
  });
});
