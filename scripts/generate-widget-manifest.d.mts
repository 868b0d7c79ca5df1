/** Where the widget's Custom Elements Manifest lives. */
export declare const MANIFEST_PATH: string;
/** The manifest's text as widget/chat/parley-chat.ts says now. */
export declare function generateManifest(): string;
