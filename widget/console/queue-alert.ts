/**
 * Tells the agent a chat is waiting, even from another tab: a short beep (WebAudio, no sound file)
 * and a browser notification. Browsers only allow sound and the permission prompt after the user
 * did something, so `prepare` is called from the "Available for chat" switch.
 */
export class QueueAlert {
  private audio: AudioContext | null = null;

  prepare(): void {
    this.audio ??= new AudioContext();
    void this.audio.resume().catch(() => undefined);
    if ("Notification" in window && Notification.permission === "default") {
      void Notification.requestPermission().catch(() => undefined);
    }
  }

  waiting(subject: string, from: string, onOpen: () => void): void {
    this.beep();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const notification = new Notification(`Chat waiting: ${from}`, { body: subject, tag: "parley-queue" });
    notification.addEventListener("click", () => {
      window.focus();
      onOpen();
      notification.close();
    });
  }

  private beep(): void {
    const audio = this.audio;
    if (!audio || audio.state !== "running") return;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  }
}
