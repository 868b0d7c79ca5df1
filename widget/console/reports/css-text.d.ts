/** The console build loads .css files as text (scripts/build-widget.mjs), for shadow roots. */
declare module "*.css" {
  const text: string;
  export default text;
}
